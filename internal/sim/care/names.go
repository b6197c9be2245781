package care

// Common British surnames with rough relative frequencies (per 100,000),
// so that Smith, Jones and Patel recur by chance as they do in a real
// catchment. A long tail of rare surnames is made from place-name parts
// (tailPrefixes × tailSuffixes) so that most people share a surname with
// few others.
var commonSurnames = []struct {
	name   string
	weight float64
}{
	{"Smith", 1260}, {"Jones", 970}, {"Williams", 600}, {"Taylor", 520}, {"Brown", 500},
	{"Davies", 450}, {"Evans", 380}, {"Wilson", 340}, {"Thomas", 330}, {"Johnson", 330},
	{"Roberts", 310}, {"Patel", 300}, {"Robinson", 260}, {"Thompson", 260}, {"Wright", 250},
	{"Walker", 240}, {"White", 230}, {"Edwards", 220}, {"Hughes", 220}, {"Green", 220},
	{"Hall", 210}, {"Lewis", 210}, {"Harris", 210}, {"Clarke", 200}, {"Jackson", 200},
	{"Wood", 190}, {"Turner", 180}, {"Martin", 180}, {"Cooper", 180}, {"Hill", 180},
	{"Ward", 170}, {"Morris", 170}, {"Moore", 170}, {"Clark", 170}, {"Lee", 160},
	{"King", 160}, {"Baker", 160}, {"Harrison", 160}, {"Morgan", 150}, {"Allen", 150},
	{"James", 150}, {"Scott", 150}, {"Phillips", 140}, {"Watson", 140}, {"Davis", 140},
	{"Parker", 140}, {"Price", 140}, {"Bennett", 130}, {"Young", 130}, {"Griffiths", 130},
	{"Mitchell", 130}, {"Kelly", 130}, {"Cook", 130}, {"Carter", 130}, {"Richardson", 130},
	{"Bailey", 120}, {"Collins", 120}, {"Bell", 120}, {"Shaw", 120}, {"Murphy", 120},
	{"Miller", 120}, {"Cox", 120}, {"Richards", 110}, {"Khan", 150}, {"Marshall", 110},
	{"Anderson", 110}, {"Simpson", 110}, {"Ellis", 110}, {"Adams", 110}, {"Singh", 140},
	{"Begum", 100}, {"Wilkinson", 100}, {"Foster", 100}, {"Chapman", 100}, {"Powell", 100},
	{"Webb", 100}, {"Rogers", 100}, {"Gray", 100}, {"Mason", 100}, {"Ali", 100},
	{"Hunt", 90}, {"Hussain", 90}, {"Campbell", 90}, {"Matthews", 90}, {"Owen", 90},
	{"Palmer", 90}, {"Holmes", 90}, {"Mills", 90}, {"Barnes", 90}, {"Knight", 90},
	{"Lloyd", 90}, {"Butler", 90}, {"Russell", 90}, {"Barker", 90}, {"Fisher", 90},
	{"Stevens", 90}, {"Jenkins", 90}, {"Murray", 90}, {"Dixon", 90}, {"Harvey", 90},
	{"Graham", 80}, {"Pearson", 80}, {"Ahmed", 80}, {"Fletcher", 80}, {"Walsh", 80},
	{"Kaur", 80}, {"Gibson", 80}, {"Howard", 80}, {"Andrews", 80}, {"Stewart", 80},
	{"O'Brien", 70}, {"Nowak", 50}, {"Kowalski", 40}, {"Okafor", 40}, {"Mensah", 30},
	{"Nguyen", 30}, {"Chen", 40}, {"Rahman", 60}, {"Shah", 60}, {"Mistry", 40},
	{"Sharma", 50}, {"Kumar", 50}, {"Iqbal", 40}, {"Mohamed", 50}, {"Silva", 30},
}

var tailPrefixes = []string{
	"Ash", "Black", "Brad", "Bright", "Brook", "Burn", "Cald", "Chad", "Clay", "Crom",
	"Dun", "Elling", "Fair", "Fen", "Gar", "Gold", "Hal", "Hather", "Hay", "Hol",
	"Kirk", "Lang", "Lock", "Marsh", "Mid", "Mor", "Nor", "Oak", "Pen", "Rad",
	"Red", "Roth", "Rush", "Shel", "Stan", "Stock", "Stone", "Sut", "Thorn", "Went",
	"Whit", "Wick", "Win", "Wool", "Ald", "Bar", "Cot", "Dray", "Eas", "Ford",
}

var tailSuffixes = []string{
	"ley", "ton", "worth", "wood", "field", "ford", "by", "ham", "well", "more",
	"ridge", "stead", "wick", "cliffe", "hurst", "thorpe", "dale", "croft", "bury", "combe",
}

var givenFemale = []string{
	"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Mia", "Poppy", "Ella",
	"Lily", "Evie", "Jessica", "Charlotte", "Chloe", "Ruby", "Freya", "Alice", "Hannah", "Lucy",
	"Sarah", "Emma", "Rebecca", "Laura", "Rachel", "Claire", "Helen", "Nicola", "Joanne", "Karen",
	"Susan", "Julie", "Deborah", "Linda", "Patricia", "Margaret", "Jean", "Dorothy", "Joan", "Irene",
	"Priya", "Aisha", "Fatima", "Zainab", "Anita", "Sunita", "Maria", "Agnieszka", "Chiamaka", "Mei",
}

var givenMale = []string{
	"Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie", "Jacob",
	"Thomas", "James", "William", "Joshua", "Daniel", "Samuel", "Benjamin", "Matthew", "Luke", "Ryan",
	"David", "Paul", "Mark", "Andrew", "Richard", "Stephen", "Michael", "Peter", "Christopher", "Simon",
	"John", "Robert", "Brian", "Kenneth", "Ronald", "Derek", "Keith", "Colin", "Raymond", "Geoffrey",
	"Mohammed", "Ahmed", "Imran", "Rajesh", "Sanjay", "Arjun", "Piotr", "Tomasz", "Chinedu", "Wei",
}

// Places. Towns are invented; postcodes use the area letters HV, which the
// Royal Mail has not allocated, so no generated address is anyone's real
// one while every postcode still has the real UK shape (area, district,
// space, sector digit, two unit letters).
var towns = []string{
	"Ashcombe", "Brackenfield", "Caldermoor", "Dunmore Vale", "Elmsworth", "Farleigh Green",
	"Greystone", "Hartwell Bridge", "Kelsey Marsh", "Longmead", "Marlow Fen", "Northwick",
	"Oakhurst", "Pennington Moor", "Ravensby", "Stainforth",
}

const postcodeArea = "HV"

// unitLetters are the letters the Royal Mail uses in the unit part of a
// postcode (never C, I, K, M, O or V).
const unitLetters = "ABDEFGHJLNPQRSTUWXYZ"

var streetNames = []string{
	"Station", "Church", "Mill", "High", "Park", "Victoria", "Albert", "Queen's", "King's", "Manor",
	"Chapel", "School", "North", "South", "Green", "Oak", "Elm", "Beech", "Ash", "Willow",
	"Cedar", "Rowan", "Holly", "Meadow", "Orchard", "Brook", "River", "Bridge", "Castle", "Market",
	"New", "Main", "York", "Windsor", "Grange", "Hall", "Farm", "Springfield", "Highfield", "Fairfield",
	"Moorland", "Heath", "Hill", "Valley", "Cross", "Lime", "Poplar", "Chestnut", "Sycamore", "Hawthorn",
	"Birch", "Laburnum", "Lilac", "Primrose", "Clover", "Heather", "Beacon", "Abbey", "Priory", "Vicarage",
}

var streetKinds = []string{
	"Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Way", "Crescent", "Gardens",
	"Terrace", "Place", "Court", "Rise", "View",
}

// gpNames are the general practitioners who refer patients in; they are not
// trust staff, and appear only as PV1-8 referring doctors with their GMP
// codes.
var gpNames = [][2]string{
	{"Okonkwo", "Adaeze"}, {"Fraser", "Alasdair"}, {"Lindqvist", "Marta"}, {"Bhattacharya", "Rohan"},
	{"Pembridge", "Susan"}, {"Hale", "Jonathan"}, {"Ferreira", "Ana"}, {"McAllister", "Iain"},
}
