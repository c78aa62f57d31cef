package text

import "testing"

func TestHeadline(t *testing.T) {
	for msg, want := range map[string]string{
		`container "api" has no memory limit: a leak grows; set it`:                    `container "api" has no memory limit`,
		`container "api" memory limit 512Mi is 1.0x its request; below 1.5x: raise it`: `container "api" memory limit 512Mi is 1.0x its request`,
		`image "nginx:1.27" runs as root: set runAsNonRoot`:                            `image "nginx:1.27" runs as root`,
		`a workload (serving port 8080; annotate it x: batch) is throttled: remove it`: `a workload (serving port 8080; annotate it x: batch) is throttled`,
		`selector {"a":"b"} matches nothing: fix it`:                                   `selector {"a":"b"} matches nothing`,
		`path "a\": b" is wrong: fix`:                                                  `path "a\": b" is wrong`,
		`no clause break at all`:                                                       `no clause break at all`,
		`ends with a colon:`:                                                           `ends with a colon:`,
	} {
		if got := headline(msg); got != want {
			t.Errorf("headline(%q) = %q, want %q", msg, got, want)
		}
	}
}
