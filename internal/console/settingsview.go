package console

import (
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
)

// NotifyTarget is one notification target as the settings page lists
// it: never a secret, only what it is and where it goes.
type NotifyTarget struct {
	ID       string // file-N for the configuration file's; the target store's otherwise
	Name     string // what the administrator called it; "" for the file's
	Kind     string // webhook (JSON), Microsoft Teams, Slack, email, syslog (CEF)
	Where    string // a host, an address, or the environment variable holding it
	Note     string // what else is set, such as the lowest level notified
	MinLevel string // the lowest level notified
	// FromFile marks the configuration file's targets, which are changed
	// there, not here.
	FromFile  bool
	CreatedAt time.Time // when and by whom one added here was added
	CreatedBy string
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
	UserRoles  []roleChoice
	TokenRoles []roleChoice
	notifyView
	// NewSecret is a token just created, shown this once; NewName names it.
	NewSecret, NewName string
	Done               string // what the last change did
	Error              string // why the last change was refused
}

// newSettingsView lays out the accounts and tokens.
func newSettingsView(users []auth.User, tokens []auth.Token) settingsView {
	v := settingsView{UserRoles: personRoles, TokenRoles: tokenRoles, notifyView: newNotifyView()}
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
