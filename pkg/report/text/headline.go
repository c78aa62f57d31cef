package text

import "strings"

// headline is the first clause of a message: up to its first ": " or "; "
// outside quotes and parentheses, where the rules' messages go from what
// is wrong to why it matters and what to do.
func headline(msg string) string {
	depth, quoted := 0, false
	for i := 0; i < len(msg); i++ {
		switch c := msg[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(' || c == '[' || c == '{':
			depth++
		case (c == ')' || c == ']' || c == '}') && depth > 0:
			depth--
		case (c == ':' || c == ';') && depth == 0 && strings.HasPrefix(msg[i+1:], " "):
			return strings.TrimSpace(msg[:i])
		}
	}
	return strings.TrimSpace(msg)
}
