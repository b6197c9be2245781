package report

// Doc is a report laid out for either renderer: a title, summary points
// and pictures first, then sections of text and tables.
type Doc struct {
	Title    string
	Subtitle string // the period and when it was produced
	Summary  []string
	Heat     []heatRow // empty when there is no CAF assessment
	HeatNote string
	Charts   []chart
	Sections []Section
}

// Section is one part of a report.
type Section struct {
	Title   string
	Paras   []string
	Tables  []Table
	Source  string   // where the figures come from
	Missing []string // what is not known, and why
}

// Table is a captioned table; an empty one is shown as its Empty text.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
	Empty   string
}
