// Package atomicfile writes output files so that a reader sees the old or
// the new content, never a partial file, and so that writing never
// replaces what the path does not name as a file: a symlink's target is
// updated (the link stays), a character device or FIFO (/dev/stdout, a
// pipe) is written straight to, and anything else that is not a regular
// file is refused.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write puts data at path with mode. A regular file (or a new one) is
// replaced atomically: a temporary file in the same directory, renamed
// over it. Errors name path as given, and on failure path is untouched.
func Write(path string, data []byte, mode os.FileMode) error {
	if err := write(path, data, mode); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func write(path string, data []byte, mode os.FileMode) error {
	fi, err := os.Stat(path) // follows symlinks
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return unwrap(err)
	case fi.Mode()&(os.ModeCharDevice|os.ModeNamedPipe) != 0:
		return writeStraight(path, data)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("not a regular file, character device or FIFO (%s): refusing to replace it", kind(fi.Mode()))
	}
	target, err := resolve(path)
	if err != nil {
		return err
	}
	return replace(target, data, mode)
}

// writeStraight writes to a device or FIFO in place.
func writeStraight(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return unwrap(err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return unwrap(err)
}

// resolve follows symlinks to the path a new file must be renamed onto,
// also when the last link dangles (the file it names is created).
func resolve(path string) (string, error) {
	for range 40 { // the kernel's own limit on links in a path
		target, err := os.Readlink(path)
		if err != nil {
			return path, nil // not a link (or not there): path itself
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return "", errors.New("too many levels of symbolic links")
}

// replace writes a temporary file beside target and renames it over it.
func replace(target string, data []byte, mode os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return unwrap(err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		tmp.Close()
		return unwrap(err)
	}
	if err = tmp.Chmod(mode); err != nil {
		tmp.Close()
		return unwrap(err)
	}
	if err = tmp.Close(); err != nil {
		return unwrap(err)
	}
	return unwrap(os.Rename(tmp.Name(), target))
}

// unwrap drops the temporary or resolved path from an error: Write names
// the user's path instead.
func unwrap(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a block device"
	}
	return m.Type().String()
}
