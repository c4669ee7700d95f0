package vm

import (
	"fmt"
	"io"
	"io/fs"
)

// cpioWriter writes the "newc" cpio format, the one the kernel unpacks
// as an initramfs. Only what an initramfs needs is supported:
// directories, regular files and symbolic links, all owned by root.
type cpioWriter struct {
	w   io.Writer
	ino int
	off int64
	err error
}

// Mode bits of the newc header (those of stat(2)).
const (
	cpioDir     = 0o040000
	cpioRegular = 0o100000
	cpioSymlink = 0o120000
)

func (c *cpioWriter) dir(name string, perm fs.FileMode) {
	c.entry(name, cpioDir|uint32(perm.Perm()), 2, nil)
}

func (c *cpioWriter) file(name string, perm fs.FileMode, data []byte) {
	c.entry(name, cpioRegular|uint32(perm.Perm()), 1, data)
}

func (c *cpioWriter) symlink(name, target string) {
	c.entry(name, cpioSymlink|0o777, 1, []byte(target))
}

// close writes the trailer entry and returns the first write error.
func (c *cpioWriter) close() error {
	c.entry("TRAILER!!!", 0, 1, nil)
	return c.err
}

func (c *cpioWriter) entry(name string, mode uint32, nlink int, data []byte) {
	c.ino++
	// Fields: magic, ino, mode, uid, gid, nlink, mtime, filesize,
	// devmajor, devminor, rdevmajor, rdevminor, namesize, check.
	c.write([]byte(fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		c.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name)+1, 0)))
	c.write(append([]byte(name), 0))
	c.pad()
	c.write(data)
	c.pad()
}

// pad aligns the stream to four bytes, as newc requires after the name
// and after the data.
func (c *cpioWriter) pad() {
	if n := c.off % 4; n != 0 {
		c.write(make([]byte, 4-n))
	}
}

func (c *cpioWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(b)
	c.off += int64(n)
	c.err = err
}
