package sigma

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// LoadFS reads every rule file in fsys, such as a rule pack embedded in the
// binary. Refusals name files as name/path-in-fsys.
func LoadFS(fsys fs.FS, name string, opts Options) *Set {
	l := newLoader(opts)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			l.refuse(Refusal{Path: path.Join(name, p), Err: fmt.Errorf("read rules: %w", err)})
			return nil
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !isRuleFile(d.Name()) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			l.refuse(Refusal{Path: path.Join(name, p), Err: fmt.Errorf("read rules: %w", err)})
			return nil
		}
		l.merge(parseFile(path.Join(name, p), data, l.c))
		return nil
	})
	if err != nil {
		l.refuse(Refusal{Path: name, Err: fmt.Errorf("read rules: %w", err)})
	}
	return l.finish()
}
