package sim

// The ids of the rules in Vigil's own pack (rules/) that the scenarios
// expect to fire. The end-to-end tests fail if an id here stops matching a
// rule in the pack.
const (
	RuleWannaCryService      = "2b5f8dd2-ed17-408f-a58b-0a6e6a3355b6"
	RuleShadowCopyDeletion   = "cab75b40-08c4-4685-bc8d-2a642cda6383"
	RuleBcdeditRecovery      = "703ea8e8-54b9-4455-ab77-cc454f1bf63c"
	RuleWbadminDeletion      = "2d5f2ab8-080f-40ac-b625-4b2d5691c17f"
	RuleBackupServiceStop    = "aba82cd9-031f-49ab-871f-8e21c02f557a"
	RuleRansomwarePrecursors = "5974d898-99f9-4ac0-b2f5-798ceb4feb5c"
	RuleRansomNote           = "21e7f78a-6426-4206-8f8b-8fc76fe95cf2"
	RuleMassFileWrites       = "c365854e-da84-41ba-9a48-4cc961e0ff85"
	RuleGPOTaskOrScript      = "64cfe264-9aa1-43c5-a47c-37ce09f5c63e"
	RuleSysvolTaskOrScript   = "33f6ddda-3850-4bf0-87ea-c201511bb97f"
	RuleBrowserCredStore     = "bdeb62e8-8509-44ff-a6c1-255a8998dc09"
	RuleExfiltrationCloud    = "a6f8484f-f803-4e50-b65d-2acc4503f546"
	RuleRemoteAccessTool     = "246b6a55-1de0-4517-a854-51aa71098d16"
	RuleLsassDump            = "0f6a1043-3db5-4279-8db4-1a83c58c5eda"
	RuleMimikatz             = "d6e379ae-0df9-427d-a523-d09e93033928"
	RulePsExecExecution      = "930ae70a-1ca9-4098-9d4c-bf3f6f0478cd"
	RulePsExecService        = "d3602e6b-86dd-487e-8e5e-7754db271e7c"
	RulePsExecPipe           = "400edacf-f92a-4c83-8583-298e09323a9e"
)
