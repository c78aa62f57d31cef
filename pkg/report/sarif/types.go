package sarif

// The subset of the SARIF 2.1.0 object model prodready writes; field names
// and nesting follow the specification's JSON schema.

type log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool        tool         `json:"tool"`
	Invocations []invocation `json:"invocations"`
	Results     []result     `json:"results"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name           string       `json:"name"`
	Version        string       `json:"version"`
	InformationURI string       `json:"informationUri"`
	Rules          []descriptor `json:"rules"`
	// Notifications describe the warnings' codes, when there are warnings.
	Notifications []descriptor `json:"notifications,omitempty"`
}

type descriptor struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name,omitempty"`
	ShortDescription     *text           `json:"shortDescription,omitempty"`
	FullDescription      *text           `json:"fullDescription,omitempty"`
	Help                 *message        `json:"help,omitempty"`
	HelpURI              string          `json:"helpUri,omitempty"`
	DefaultConfiguration *configuration  `json:"defaultConfiguration,omitempty"`
	Properties           *ruleProperties `json:"properties,omitempty"`
}

type text struct {
	Text string `json:"text"`
}

type message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type configuration struct {
	Level string `json:"level"`
}

type ruleProperties struct {
	Severity string   `json:"severity"`
	Profile  string   `json:"profile,omitempty"`
	Source   string   `json:"source,omitempty"`
	Tags     []string `json:"tags"`
}

type invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	ToolExecutionNotifications []notification `json:"toolExecutionNotifications,omitempty"`
}

type notification struct {
	Level      string               `json:"level"`
	Message    message              `json:"message"`
	Locations  []location           `json:"locations,omitempty"`
	Descriptor *descriptorReference `json:"descriptor,omitempty"`
}

// descriptorReference names a descriptor of driver.notifications.
type descriptorReference struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             message           `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []suppression     `json:"suppressions,omitempty"`
	BaselineState       string            `json:"baselineState,omitempty"`
	Properties          *resultProperties `json:"properties,omitempty"`
}

type resultProperties struct {
	Severity  string `json:"severity"`
	Container string `json:"container,omitempty"`
	Field     string `json:"field,omitempty"`
}

type location struct {
	PhysicalLocation *physicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []logicalLocation `json:"logicalLocations,omitempty"`
}

type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Region           *region          `json:"region,omitempty"`
}

type artifactLocation struct {
	URI string `json:"uri"`
}

type region struct {
	StartLine int `json:"startLine"`
}

type logicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type suppression struct {
	Kind          string                 `json:"kind"`
	Status        string                 `json:"status"`
	Justification string                 `json:"justification,omitempty"`
	Properties    *suppressionProperties `json:"properties,omitempty"`
}

type suppressionProperties struct {
	Until string `json:"until"`
}
