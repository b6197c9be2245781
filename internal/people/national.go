package people

// NationalFigure is one figure of the national survey the pulse is shown
// beside.
type NationalFigure struct {
	Question  Question `json:"question"`
	Statement string   `json:"statement"` // as the survey reported it
	Reported  float64  `json:"reported"`  // the share the statement gives
	// Positive is the share answering the pulse question positively that
	// the statement implies: Reported, or 1-Reported where the statement
	// is the negative (no regular training).
	Positive   float64 `json:"positive"`
	Population string  `json:"population"`
}

// NationalSource cites the survey the national figures come from.
const NationalSource = "BT, research on sentiment around digital healthcare in the UK " +
	"(NHS staff and public cyber security survey 2024): independent online survey of 76 NHS staff " +
	"at 59 NHS organisations and integrated care systems, 8-16 September 2024, published February 2025"

// National2024 holds the national figures of the 2024 survey, one per
// pulse question. The sample is small (76 staff), so they are a reference
// point, not a benchmark to the percentage point.
var National2024 = [numQuestions]NationalFigure{
	QRole:     {Question: QRole, Statement: "94% of NHS staff understand their role in protecting the organisation from cyber attacks", Reported: 0.94, Positive: 0.94, Population: "NHS staff"},
	QMeasures: {Question: QMeasures, Statement: "36% believe current measures are sufficient to defend against attacks", Reported: 0.36, Positive: 0.36, Population: "NHS staff"},
	QTrust:    {Question: QTrust, Statement: "42% trust that existing systems are robust enough to safeguard sensitive patient data", Reported: 0.42, Positive: 0.42, Population: "NHS staff"},
	QTraining: {Question: QTraining, Statement: "60% of frontline staff report a lack of regular cyber security training", Reported: 0.60, Positive: 0.40, Population: "frontline NHS staff"},
}
