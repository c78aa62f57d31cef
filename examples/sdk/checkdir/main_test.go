package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestCheckDir(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		code int
		out  []string // in stdout
		err  string   // in stderr
	}{
		{"the demo breaks rules", []string{"../../demo"}, 1, []string{"pdb-missing Deployment/demo/checkout-api", "memory-request-missing", "fix: "}, ""},
		{"good configurations pass", []string{"../../good"}, 0, []string{"0 failing at high"}, ""},
		{"a lower threshold", []string{"--fail-on", "low", "../../good"}, 0, nil, ""},
		{"a missing path", []string{"../../demo", "no-such-dir"}, 2, []string{"pdb-missing"}, "no-such-dir"},
		{"a bad threshold", []string{"--fail-on", "urgent", "../../demo"}, 2, nil, `unknown severity "urgent"`},
		{"no path", nil, 2, nil, "usage"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, stdout.String(), stderr.String())
			}
			for _, want := range tt.out {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tt.err) {
				t.Errorf("stderr lacks %q:\n%s", tt.err, stderr.String())
			}
		})
	}
}
