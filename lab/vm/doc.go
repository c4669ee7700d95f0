// Package vm runs a program inside a QEMU virtual machine booted with a
// distribution kernel, so the kernel lab can observe verdicts on a kernel
// other than the one this machine runs.
//
// The guest has no disk: a tiny initramfs (busybox and the virtio and 9p
// modules) mounts the host's root filesystem read-only over 9p, adds a
// writable 9p share for results, chroots into the host's root and runs
// the program there. The program therefore sees the host's tools (nft,
// ip, ...) and files, under the guest's kernel. QEMU runs under TCG: no
// KVM is needed, and none is used.
package vm
