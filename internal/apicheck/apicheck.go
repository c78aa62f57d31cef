// Package apicheck records prodready's exported Go API: every exported
// declaration of the importable packages, as signatures without comments
// or bodies, one block per package. Its test compares the record with the
// code, so that an API change is a reviewed change of the record (and of
// CHANGELOG.md), never an accident of a refactoring: a minor release must
// not break an importer.
package apicheck

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Describe returns the exported API of the packages under root (the module
// root) whose directories are dirs, relative to root: what an importer can
// name. Test files, internal/ and main packages are not API.
func Describe(root string, dirs []string) (string, error) {
	var out strings.Builder
	for _, dir := range dirs {
		decls, err := packageAPI(filepath.Join(root, dir))
		if err != nil {
			return "", fmt.Errorf("%s: %w", dir, err)
		}
		if len(decls) == 0 {
			continue
		}
		fmt.Fprintf(&out, "package %s\n\n", filepath.ToSlash(dir))
		for _, d := range decls {
			out.WriteString(d)
			out.WriteString("\n")
		}
		out.WriteString("\n")
	}
	return out.String(), nil
}

// Packages are the directories under root holding importable packages:
// every one but internal/, testdata, main packages and other modules.
func Packages(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		name := d.Name()
		if rel != "." && (name == "internal" || name == "testdata" || name == "cmd" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || exists(filepath.Join(path, "go.mod"))) {
			return filepath.SkipDir
		}
		if matches, _ := filepath.Glob(filepath.Join(path, "*.go")); len(matches) > 0 {
			dirs = append(dirs, filepath.ToSlash(rel))
		}
		return nil
	})
	return dirs, err
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// packageAPI is the exported declarations of the package in dir, sorted.
func packageAPI(dir string) ([]string, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		return nil, err
	}
	var decls []string
	for name, pkg := range pkgs {
		if name == "main" {
			continue
		}
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				decls = append(decls, exported(fset, d)...)
			}
		}
	}
	slices.Sort(decls)
	return decls, nil
}

// exported prints the exported parts of d, one string per declared name.
func exported(fset *token.FileSet, d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() || (d.Recv != nil && !ast.IsExported(receiver(d.Recv))) {
			return nil
		}
		d.Doc, d.Body = nil, nil
		return []string{print(fset, d)}
	case *ast.GenDecl:
		var out []string
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() {
					s.Doc, s.Comment = nil, nil
					s.Type = public(s.Type)
					out = append(out, "type "+print(fset, s))
				}
			case *ast.ValueSpec:
				for i, n := range s.Names {
					if !n.IsExported() {
						continue
					}
					v := &ast.ValueSpec{Names: []*ast.Ident{n}, Type: s.Type}
					if d.Tok == token.CONST && i < len(s.Values) {
						v.Values = []ast.Expr{s.Values[i]}
					}
					out = append(out, d.Tok.String()+" "+print(fset, v))
				}
			}
		}
		return out
	}
	return nil
}

// public is t without its unexported fields and methods.
func public(t ast.Expr) ast.Expr {
	var list *ast.FieldList
	switch t := t.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		list = t.Methods
	default:
		return t
	}
	kept := list.List[:0]
	for _, f := range list.List {
		f.Doc, f.Comment = nil, nil
		if len(f.Names) == 0 { // embedded
			kept = append(kept, f)
			continue
		}
		names := f.Names[:0]
		for _, n := range f.Names {
			if n.IsExported() {
				names = append(names, n)
			}
		}
		if f.Names = names; len(names) > 0 {
			kept = append(kept, f)
		}
	}
	list.List = kept
	return t
}

func receiver(recv *ast.FieldList) string {
	t := recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if g, ok := t.(*ast.IndexExpr); ok {
		t = g.X
	}
	id, _ := t.(*ast.Ident)
	if id == nil {
		return ""
	}
	return id.Name
}

func print(fset *token.FileSet, node any) string {
	var b bytes.Buffer
	if err := (&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&b, fset, node); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return b.String()
}
