package console

import (
	"github.com/vigilhealth/vigil/internal/auth"
)

// NotifyTarget is one configured notification target as the settings page
// lists it: never a secret, only what it is and where it goes.
type NotifyTarget struct {
	Kind  string // webhook, Microsoft Teams, Slack, email, syslog
	Where string // a host, an address, or the environment variable holding it
	Note  string // what else is set, such as the lowest level notified
}

// userRow is one local account.
type userRow struct {
	Name, Created string
	Role          auth.Role
	Disabled      bool
}

// tokenRow is one API token.
type tokenRow struct {
	ID, Name, Created, LastUsed, Revoked string
	Role                                 auth.Role
	Active                               bool
}

// roleChoice is one role a person may be given.
type roleChoice struct {
	Value, Label string
}

// personRoles are the roles of local accounts and tokens for people,
// with what each may do.
var personRoles = []roleChoice{
	{string(auth.RoleAnalyst), "analyst: alerts, incidents, search, rules and sources"},
	{string(auth.RolePrivacyOfficer), "privacy officer: privacy cases and patient reports"},
	{string(auth.RoleBoard), "board: the overview and reports, no event or patient detail"},
	{string(auth.RoleAdmin), "admin: everything, and these settings"},
}

// tokenRoles are personRoles and the log shippers' ingest role.
var tokenRoles = append(append([]roleChoice(nil), personRoles...),
	roleChoice{string(auth.RoleIngest), "ingest: log shippers sending events, nothing else"})

// settingsView is what the settings page shows.
type settingsView struct {
	Users      []userRow
	Tokens     []tokenRow
	Targets    []NotifyTarget
	UserRoles  []roleChoice
	TokenRoles []roleChoice
	// NewSecret is a token just created, shown this once; NewName names it.
	NewSecret, NewName string
	Done               string // what the last change did
	Error              string // why the last change was refused
}

// newSettingsView lays out the accounts, tokens and targets.
func newSettingsView(users []auth.User, tokens []auth.Token, targets []NotifyTarget) settingsView {
	v := settingsView{Targets: targets, UserRoles: personRoles, TokenRoles: tokenRoles}
	for _, u := range users {
		v.Users = append(v.Users, userRow{Name: u.Name, Role: u.Role, Created: londonTime(u.Created), Disabled: u.Disabled})
	}
	for _, t := range tokens {
		r := tokenRow{ID: t.ID, Name: t.Name, Role: t.Role, Created: londonTime(t.Created),
			LastUsed: londonTime(t.LastUsed), Revoked: londonTime(t.Revoked), Active: t.Active()}
		if r.LastUsed == "" {
			r.LastUsed = "never"
		}
		v.Tokens = append(v.Tokens, r)
	}
	return v
}
