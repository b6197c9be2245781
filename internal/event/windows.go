package event

// Fields from the attributes of a Windows event's System element, named as
// the field-naming contract has them. Execution's ids carry a prefix
// because field names ignore case and EventData often has a ProcessId of
// its own.
var (
	ProviderGUID       = Intern("Provider_Guid")
	EventSourceName    = Intern("EventSourceName")
	ActivityID         = Intern("ActivityID")
	RelatedActivityID  = Intern("RelatedActivityID")
	ExecutionProcessID = Intern("ExecutionProcessID")
	ExecutionThreadID  = Intern("ExecutionThreadID")
	UserID             = Intern("UserID")
)

// SystemAttr returns the field that attribute attr of System child element
// elem stands for, or 0 for attributes the contract leaves out (EventID's
// Qualifiers, Execution's ProcessorID and the like). Every reader of
// Windows events (EVTX, evtx_dump JSON) maps System through it, so that both
// forms of an event give the same fields.
func SystemAttr(elem, attr string) FieldID {
	switch elem {
	case "Provider":
		switch attr {
		case "Name":
			return Provider
		case "Guid":
			return ProviderGUID
		case "EventSourceName":
			return EventSourceName
		}
	case "TimeCreated":
		if attr == "SystemTime" {
			return TimeCreated
		}
	case "Correlation":
		switch attr {
		case "ActivityID":
			return ActivityID
		case "RelatedActivityID":
			return RelatedActivityID
		}
	case "Execution":
		switch attr {
		case "ProcessID":
			return ExecutionProcessID
		case "ThreadID":
			return ExecutionThreadID
		}
	case "Security":
		if attr == "UserID" {
			return UserID
		}
	}
	return 0
}
