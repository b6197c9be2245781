package alert

// IsPerson reports whether a user field names a person's account: not
// empty, not a built-in account every host has (SYSTEM, LOCAL SERVICE,
// NETWORK SERVICE, ANONYMOUS LOGON, root) and not a machine account
// (NAME$). These are the users incidents are grouped by, and the only
// ones a message may be addressed to.
func IsPerson(user string) bool { return groupUser(user) != "" }
