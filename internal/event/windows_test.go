package event

import "testing"

func TestSystemAttr(t *testing.T) {
	for _, c := range []struct {
		elem, attr string
		want       FieldID
	}{
		{"Provider", "Name", Provider},
		{"Provider", "Guid", ProviderGUID},
		{"TimeCreated", "SystemTime", TimeCreated},
		{"Execution", "ProcessID", ExecutionProcessID},
		{"Security", "UserID", UserID},
		{"EventID", "Qualifiers", 0},
		{"Execution", "ProcessorID", 0},
	} {
		if got := SystemAttr(c.elem, c.attr); got != c.want {
			t.Errorf("SystemAttr(%q, %q) = %v, want %v", c.elem, c.attr, got, c.want)
		}
	}
	if ExecutionProcessID == Intern("ProcessId") {
		t.Error("Execution's ProcessID shares a field with EventData's ProcessId")
	}
}
