package console

// notifyView is the notification targets' part of the settings page.
type notifyView struct {
	FileTargets  []targetRow // the configuration file's
	AddedTargets []targetRow // added here or through the API
	Targets      []NotifyTarget
	TargetsError string // why the targets could not be read
	Kinds        []roleChoice
	Networks     []string // a syslog target's
	Levels       []string
	// Form is the add form as last posted, FormError why it was refused
	// and FormField the field it names ("" for none).
	Form                 NotifyForm
	FormError, FormField string
	Confirm              *NotifyTarget // a target to remove, asked to confirm
	Tested               *testSend     // the outcome of a test send
}

// targetRow is one target in the settings page's tables.
type targetRow struct {
	NotifyTarget
	Created string
}

// testSend is what a test send did.
type testSend struct {
	Target    NotifyTarget
	Delivered bool
	Error     string
}

// notifyKinds are the kinds of target the add form offers.
var notifyKinds = []roleChoice{
	{"webhook", "webhook: Vigil's JSON, to your own service"},
	{"teams", "Microsoft Teams channel (incoming webhook or Workflows)"},
	{"slack", "Slack channel (incoming webhook)"},
	{"syslog", "syslog: CEF to a SIEM"},
}

func newNotifyView() notifyView {
	return notifyView{Kinds: notifyKinds, Networks: []string{"tcp", "udp"}, Levels: []string{"informational", "low", "medium", "high", "critical"},
		Form: NotifyForm{Kind: "webhook", Network: "tcp", MinLevel: "high"}}
}

// setTargets lays out targets in the file's and the added ones' tables.
func (v *notifyView) setTargets(targets []NotifyTarget) {
	v.Targets = targets
	for _, t := range targets {
		row := targetRow{NotifyTarget: t, Created: londonTime(t.CreatedAt)}
		if t.FromFile {
			v.FileTargets = append(v.FileTargets, row)
		} else {
			v.AddedTargets = append(v.AddedTargets, row)
		}
	}
}
