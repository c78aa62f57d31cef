package config

import (
	"encoding/json"
	"fmt"
)

// ExemptionsData is exemptions as the Rego reads them at
// data.lib.exemptions (and Gatekeeper at the parameter
// prodreadyExemptions): the configuration file's shape, Exemption's JSON.
// The SDK puts it in its store and the bundles ship it, the same bytes.
func ExemptionsData(exemptions []Exemption) ([]any, error) {
	data := []any{}
	if len(exemptions) == 0 {
		return data, nil
	}
	raw, err := json.Marshal(exemptions)
	if err == nil {
		err = json.Unmarshal(raw, &data)
	}
	if err != nil {
		return nil, fmt.Errorf("exemptions: %w", err)
	}
	return data, nil
}
