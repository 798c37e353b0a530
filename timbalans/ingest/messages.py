"""Every message of the import, in Swedish, as constants so tests assert on them.

A message says what was found and what was expected; the problem it belongs to names the file,
the row and the column.
"""

# The source as a whole
SOURCE_MISSING = "filen eller mappen finns inte."
BAD_ZIP = "filen är inte en giltig zip-fil."
NO_TABLES = (
    "inga tabellfiler hittades; förväntat filer som units.csv, cases.csv, worked.csv "
    "(eller .xlsx/.parquet)."
)
FILE_IGNORED = "{file}: inget tabellnamn som Timbalans känner igen; filen hoppades över."
DUPLICATE_TABLE = 'samma tabell finns redan i filen "{other}"; förväntat en fil per tabell.'
UNKNOWN_COLUMNS = "{file}: okända kolumner lades åt sidan: {columns}."

# A file
BAD_ENCODING = (
    "filen går inte att läsa som UTF-8 eller Windows-1252; förväntat en textfil sparad som UTF-8."
)
BAD_XLSX = "filen är inte en läsbar Excel-fil; förväntat en .xlsx-fil med rubrikrad."
BAD_PARQUET = "filen är inte en läsbar Parquet-fil."
NO_HEADER = "rubrikraden saknas; förväntat kolumnnamnen på första raden."
DUPLICATE_COLUMN = (
    'kolumnen "{column}" förekommer två gånger (även som "{other}"); förväntat en gång.'
)
MISSING_COLUMN = "kolumnen saknas; den är obligatorisk i den här tabellen."

# Bounds of one import (the settings TIMBALANS_IMPORT_MAX_*, docs/operations.md): refused
# before the files are read or inflated in full.
TOO_MANY_FILES = (
    "{found} filer; en import får innehålla högst {maximum} filer (inställningen "
    "TIMBALANS_IMPORT_MAX_FILES)."
)
FILE_TOO_BIG = (
    "filen är {size} stor (uppackad); en fil får vara högst {maximum} (inställningen "
    "TIMBALANS_IMPORT_MAX_FILE_MB)."
)
IMPORT_TOO_BIG = (
    "filerna är tillsammans {size} (uppackade); en import får vara högst {maximum} "
    "(inställningen TIMBALANS_IMPORT_MAX_MB)."
)
ZIP_RATIO = (
    "filen packas upp {ratio} gånger större än den är packad; förväntat högst {maximum} gånger "
    "(vanliga exporter packas upp 20–50 gånger; inställningen TIMBALANS_IMPORT_MAX_RATIO)."
)
ZIP_MEMBER_BAD = (
    "filen i zip-filen stämmer inte med zip-filens innehållsförteckning (storlek eller "
    "kontrollsumma); förväntat en oskadad zip-fil."
)
TOO_MANY_ROWS = (
    "{rows} rader hittills; en import får innehålla högst {maximum} rader (inställningen "
    "TIMBALANS_IMPORT_MAX_ROWS). Resten av filerna lästes inte."
)
ZIP_MEMBER_UNREADABLE = (
    "filen i zip-filen går inte att packa upp (krypterad eller packad på ett okänt sätt); "
    "förväntat en vanlig zip-fil utan lösenord."
)
ZIP_NOT_ALONE = (
    "en .zip-fil läses bara när den anges eller laddas upp ensam, inte i en mapp, bredvid "
    "andra filer eller inuti en annan .zip; förväntat antingen en enda .zip eller "
    "tabellfilerna var för sig."
)

# What a file holds: its encoding, its rows and its sheets.
UTF16 = (
    "filen är sparad som UTF-16 (Unicode-text); förväntat UTF-8 eller Windows-1252. "
    'Spara den som "CSV UTF-8" i stället.'
)
MIXED_ENCODING = (
    "filen blandar teckenkodningar: den är UTF-8, men här finns ett tecken (byte {byte}) som "
    "inte är UTF-8; förväntat hela filen i en teckenkodning (spara den på nytt som UTF-8)."
)
RAGGED_ROW = (
    "raden har {found} fält men rubrikraden har {expected}; förväntat samma antal fält på "
    "varje rad (kontrollera avgränsaren och citattecknen i raden)."
)
CSV_QUOTE = (
    'raden går inte att läsa som CSV: ett citattecken (") öppnas men stängs inte; förväntat '
    'citattecken runt hela fält, och "" för ett citattecken inuti ett fält.'
)
CSV_UNREADABLE = (
    "filen går inte att läsa som CSV; förväntat en rubrikrad och rader med fält åtskilda "
    'med ; eller , och citattecken (") bara runt hela fält.'
)
XLSX_NO_SHEET = (
    "ingen flik har tabellens obligatoriska kolumner ({columns}) på första raden; flikarna "
    "i filen är: {sheets}."
)

# A value
VALUE_MISSING = "värde saknas; kolumnen måste vara ifylld."
BAD_DATE = 'värdet "{value}" är inte ett datum; förväntat ÅÅÅÅ-MM-DD, t.ex. 2025-03-31.'
BAD_TIMESTAMP = (
    'värdet "{value}" är inte en tidpunkt; förväntat ÅÅÅÅ-MM-DD TT:MM, t.ex. 2025-03-31 07:00.'
)
BAD_END_TIME = (
    'värdet "{value}" är inte en tidpunkt; förväntat ÅÅÅÅ-MM-DD TT:MM eller bara TT:MM, '
    "t.ex. 2025-03-31 16:00 eller 16:00."
)
BAD_DATE_OR_TIMESTAMP = (
    'värdet "{value}" är varken ett datum eller en tidpunkt; '
    "förväntat ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM."
)
NONEXISTENT_TIME = (
    'tidpunkten "{value}" finns inte i svensk tid (klockan ställs fram från 02:00 till 03:00 '
    "när sommartiden börjar); förväntat en tidpunkt som finns."
)
BAD_NUMBER = 'värdet "{value}" är inte ett tal; förväntat t.ex. 1234,50 eller 1 234,50.'
BAD_INTEGER = 'värdet "{value}" är inte ett heltal; förväntat t.ex. 30.'
OUT_OF_RANGE = (
    'värdet "{value}" ligger utanför det tillåtna; förväntat från {minimum} till {maximum}.'
)
BELOW_MINIMUM = 'värdet "{value}" är för litet; förväntat minst {minimum}.'
BAD_CHOICE = 'värdet "{value}" är inte tillåtet; förväntat ett av: {choices}.'
BAD_MONTH = 'värdet "{value}" är inte en månad; förväntat ÅÅÅÅ-MM, t.ex. 2025-03.'
TEXT_TOO_LONG = 'värdet "{value}" är {length} tecken långt; förväntat högst {maximum} tecken.'
BAD_YESNO = 'värdet "{value}" är inte ja eller nej; förväntat yes, no, ja eller nej.'
BAD_ACCOUNT_RANGE = 'kontointervallet "{value}" slutar före sin början; förväntat t.ex. 5010-5099.'

# A row
END_NOT_AFTER_START = (
    'slutet "{value}" ligger inte efter starten "{start}"; förväntat ett senare slut '
    "(ett pass över midnatt anges med datum, eller med bara klockslag på sluttiden)."
)
DATE_BEFORE_START = (
    'datumet "{value}" ligger före startdatumet "{start}"; förväntat samma dag eller senare.'
)
BREAK_TOO_LONG = (
    'rasten "{value}" minuter är lika lång som passet eller längre ({minutes} minuter); '
    "förväntat en kortare rast."
)
DOUBLE_OVER_TOTAL = (
    'värdet "{value}" timmar per vecka med dubbelbemanning är fler än de beviljade {total}; '
    "förväntat högst {total}."
)
MONTHLY_NEEDS = "värde saknas; en månadsavlönad anställning måste ha {label}."
# What MONTHLY_NEEDS names, by column.
MONTHLY_NEEDS_LABELS = {"employment_rate": "sysselsättningsgrad", "monthly_salary": "månadslön"}
HOURLY_NEEDS = "värde saknas; en timavlönad anställning måste ha timlön."
DUPLICATE_KEY = "raden har samma {key} som rad {other}; förväntat en rad per {key}."
# The key columns as DUPLICATE_KEY names them, joined by KEY_JOIN.
KEY_LABELS = {
    "unit_id": "enhet",
    "case_id": "ärende",
    "employee_id": "anställningsnummer",
    "valid_from": "startdatum",
    "account": "konto",
}
KEY_JOIN = " och "
DUPLICATE_ROW = "raden är en exakt kopia av rad {other}; förväntat varje rad en gång."
TIME_OVERLAP = (
    'raden överlappar {where} för medarbetare "{employee}": {start}–{end} i ärende {case} och '
    "{other_start}–{other_end} i ärende {other_case}; förväntat att en medarbetare är på ett "
    "ställe i taget (dubbel assistans är två medarbetare, aldrig samma medarbetare två gånger)."
)
TIME_OVERLAP_ROW = "rad {row}"
TIME_OVERLAP_STORED = "en redan importerad rad (import {batch}) som importen inte ersätter"

# References between tables
# What a reference names, by the table it must exist in: (the thing, what was expected).
REFERENCE_TEXTS = {
    "units": ("enheten", "en enhet i units"),
    "cases": ("ärendet", "ett ärende i cases"),
    "employees": ("medarbetaren", "en medarbetare i employees"),
}
UNKNOWN_REFERENCE = (
    '{what} "{value}" finns varken i {file} eller bland redan importerade data; '
    "förväntat {expected}."
)
UNKNOWN_COST_CENTER = (
    'ansvaret "{value}" hör inte till någon enhet; förväntat ett ansvar (cost_center) '
    "som finns i units."
)
UNMAPPED_ACCOUNT = (
    'kontot "{value}" finns inte i kontoplanen; förväntat ett konto som accounts '
    "mappar till en kategori."
)
EMPLOYMENT_OVERLAP = (
    "anställningen {start}–{end} överlappar anställningen {other_start}–{other_end} {where} "
    'för medarbetare "{employee}"; förväntat högst en månadsavlönad och en timavlönad '
    "anställning åt gången."
)
NO_EMPLOYMENT = (
    'medarbetaren "{employee}" har ingen anställning som gäller {day}; förväntat en '
    "anställning i employments som gäller den dag passet börjar."
)
DECISION_SUPERSEDED = (
    '{file}: ärende "{case}": beslutet från {new_start} ersätter beslutet {start}–{end} '
    "({payer}) från och med {new_start}; det äldre beslutet gäller till och med {new_end}."
)
OVERLAP_IN_FILE = "på rad {row}"
OVERLAP_STORED = "som redan är importerad"
OPEN_END = "tills vidare"

# Mapping profiles (profiles.py): a problem names the profile file and its line, or the data
# file, row and source column together with the profile's line.
PROFILE_BAD_TOML = "profilen är inte giltig TOML ({detail}); förväntat nyckel = värde per rad."
PROFILE_NOT_UTF8 = "profilen går inte att läsa som UTF-8; förväntat en textfil sparad som UTF-8."
PROFILE_UNKNOWN_KEY = 'nyckeln "{key}" är okänd här; förväntat en av: {keys}.'
PROFILE_NO_NAME = 'profilen saknar namn; förväntat t.ex. name = "TimeCare schema".'
PROFILE_BAD_FILES = (
    "files ska vara ett filnamnsmönster eller en lista av mönster; förväntat t.ex. "
    'files = ["TimeCare*.csv"].'
)
PROFILE_NO_FILES = (
    "profilen i datamappen säger inte vilka filer den gäller; "
    'förväntat t.ex. files = ["TimeCare*.csv"].'
)
PROFILE_NOT_TEXT = 'värdet för "{key}" ska vara text inom citattecken; förväntat t.ex. "Datum".'
PROFILE_NOT_TABLE = 'avsnittet "{key}" ska vara en tabell; förväntat [{key}] med nyckel = värde.'
PROFILE_ONE_KIND = (
    "profilen ska ange exakt en av table (CSV eller Excel), [paxml] eller [sie]; "
    "förväntat en av dem."
)
PROFILE_ONLY_WITH_TABLE = '"{key}" gäller bara en profil med table; förväntat table = "...".'
PROFILE_UNKNOWN_TABLE = 'tabellen "{value}" finns inte; förväntat en av: {tables}.'
PROFILE_NO_COLUMNS = (
    "avsnittet [columns] saknas; förväntat en rad per kanonisk kolumn, "
    't.ex. case_id = "Kostnadsställe".'
)
PROFILE_UNKNOWN_COLUMN = (
    'kolumnen "{column}" finns inte i tabellen {table}; förväntat en av: {columns}.'
)
PROFILE_COLUMN_TWICE = 'kolumnen "{column}" anges två gånger; förväntat en gång.'
PROFILE_REQUIRED_COLUMN = (
    'kolumnen "{column}" saknas i [columns]; den är obligatorisk i tabellen. '
    "Ange en källkolumn eller ett fast värde."
)
PROFILE_BAD_ENTRY = (
    'kolumnen "{column}" ska ha en källkolumn ("Kolumn"), ett fast värde '
    '({{ value = "..." }}) eller datum och tid ({{ date = "...", time = "..." }}); '
    "förväntat precis ett av dem."
)
PROFILE_DATE_TIME_ONLY = (
    'kolumnen "{column}" är ingen tidpunkt; date och time gäller bara start och end.'
)
PROFILE_FORMAT_NOT_HERE = 'kolumnen "{column}" tar inget eget format; förväntat inget format.'
PROFILE_BAD_FORMAT = (
    'formatet "{value}" går inte att använda för {key}; förväntat t.ex. ÅÅÅÅ-MM-DD, '
    "DD.MM.ÅÅÅÅ, TT:MM eller DD.MM.ÅÅÅÅ TT:MM (ÅÅÅÅ år, MM månad eller minut, DD dag, TT timme)."
)
PROFILE_BAD_DECIMAL = 'decimaltecknet "{value}" går inte att använda; förväntat "," eller ".".'
PROFILE_BAD_DURATION = (
    'formatet "{value}" är ingen längd; förväntat "minuter", "tt:mm" eller "timmar".'
)
PROFILE_BAD_VALUE = 'värdet "{value}" är inte tillåtet för {column}; förväntat ett av: {choices}.'
PROFILE_MAP_WITHOUT_COLUMN = (
    'värdelistan för "{column}" kräver att kolumnen läses från en källkolumn i [columns].'
)
PROFILE_CODE_TWICE = 'koden "{code}" anges två gånger; förväntat en gång.'
PROFILE_BAD_TARGET = (
    'koden "{code}" ska ha ett kanoniskt värde inom citattecken, eller false för att hoppa '
    "över raden."
)
PROFILE_BAD_TIME_CODE = 'tidkoden "{code}" har ett okänt mål; förväntat ett av: {choices}.'
PROFILE_SOURCE_MISSING = (
    'källkolumnen "{column}" finns inte i filen "{file}"; förväntat en av: {columns}.'
)
PROFILE_UNMAPPED = (
    'koden "{value}" saknas i profilens värdelista för {column} ({source}, rad {line}); '
    "förväntat en av: {choices}."
)
PROFILE_VALUE_FORMAT = (
    'värdet "{value}" passar inte formatet "{format}" ({source}, rad {line}); '
    "förväntat t.ex. {example}."
)
PROFILE_SKIPPED = (
    '{file}: raderna med "{value}" i kolumnen "{column}" hoppades över enligt '
    'profilen "{profile}" ({rows} st).'
)
PROFILE_READ = '{file}: lästes med profilen "{profile}" som tabellen {table} ({rows} rader).'
PROFILE_TWO_MATCH = "filen matchas av flera profiler ({profiles}); förväntat högst en."
PROFILE_WRONG_FORMAT = (
    "profilen {profile} gäller CSV- och Excel-filer; förväntat en .csv- eller .xlsx-fil."
)

# The import as a whole (CLI and web)
REJECTED = "Importen avvisades: {count} problem. Ingenting har ändrats."
DRY_RUN_OK = "Provkörningen gick igenom: {rows} rader i {files} filer. Ingenting har sparats."
APPLIED = "Import {number} är sparad: {rows} rader i {files} filer."
UNDO_NOT_LATEST = (
    "Import {number} kan inte ångras eftersom den senare importen {later} gäller; ångra den först."
)
UNDO_ALREADY = "Import {number} är redan ångrad."
UNDO_MISSING = "Det finns ingen import med nummer {number}."
UNDONE = "Import {number} är ångrad. Det som den ersatte gäller igen."

# Exchange formats: PAXml and SIE 4 (spec/exchange.md). The problem names the file and the
# line; the element or label is its "column".
EXCHANGE_READ = "{file} ({format}) blev: {tables}."
EXCHANGE_ROWS = "{table} {rows} rader"
EXCHANGE_NOTHING = "inga rader"
EXCHANGE_SKIPPED = "{file}: {rows} rader hoppades över ({why})."
EXCHANGE_SKIPPED_CODE = "tidkod {code}: {rows}"
EXCHANGE_SKIPPED_ACCOUNT = "konto {account}: {rows}"
EXCHANGE_COST_CENTER = (
    'ansvaret "{value}" hör inte till ärendets enhet; förväntat ärendets ansvar "{expected}".'
)
# PAXml
PAXML_BAD_XML = "filen är inte giltig XML ({detail}); förväntat ett komplett PAXml-dokument."
PAXML_DOCTYPE = (
    "filen har en dokumenttypdeklaration (<!DOCTYPE>), som kan läsa in andra filer eller "
    "blåsa upp texten; förväntat en PAXml-fil utan <!DOCTYPE>."
)
PAXML_NOT_ROOT = "rotelementet är <{tag}>; förväntat <paxml>."
PAXML_NO_EMPLOYEE = "anställningsnummer saknas; förväntat attributet anstid."
PAXML_NO_CODE = "tidkod saknas; förväntat en tidkod, t.ex. ARB eller SJK."
PAXML_UNKNOWN_CODE = (
    'tidkoden "{code}" är okänd; förväntat en kod i standardtabellen (t.ex. ARB, MER, ÖT1, '
    "SJK, SEM) eller en kod som en mappningsprofil anger."
)
PAXML_NO_CASE = (
    'tidtransaktionen saknar ärende; förväntat <resenhet dim="{dim}" id="…"> under '
    "<resenheter> för arbetad tid."
)
PAXML_NO_CLOCK = (
    "arbetad tid utan starttid och sluttid går inte att placera; förväntat <starttid> och "
    "<sluttid> (eller en mappningsprofil som anger hur raden ska placeras)."
)
PAXML_HOURS_OVER_CLOCK = (
    'timmar "{value}" är fler än tiden mellan starttid och sluttid ({hours} timmar); '
    "förväntat högst {hours}."
)
PAXML_NO_DATES = "frånvaron saknar datum; förväntat <datumfrom> och <datumtom>, eller <datum>."
PAXML_BAD_FORM = (
    'löneformen "{value}" är okänd; förväntat TIM (timavlönad) eller MÅN (månadsavlönad).'
)
PAXML_BAD_TERM = (
    'anställningsformen "{value}" är okänd; förväntat tillsvidare (TV) eller visstid (VT).'
)
# SIE 4
SIE_BAD_FORMAT = (
    'teckenkodningen "{value}" i #FORMAT är okänd; förväntat PC8 (standarden), '
    "UTF-8, ISO-8859-1 eller CP1252."
)
SIE_UNDECODABLE = "filen går inte att läsa som {encoding}, som #FORMAT anger."
SIE_BAD_LINE = (
    "raden går inte att tolka ({detail}); förväntat en SIE-post som #TRANS 5010 {{}} 100.00."
)
SIE_NO_CLOSE = "verifikationen {ver} saknar avslutande }}; förväntat }} efter sista #TRANS."
SIE_NO_OPEN = "#{label} står utanför en verifikation; förväntat den mellan {{ och }} efter #VER."
SIE_UNEXPECTED_CLOSE = "} utan en öppen verifikation; förväntat { efter #VER först."
SIE_UNBALANCED = (
    "verifikationen {ver} summerar till {total}, inte 0; förväntat att debet och kredit "
    "går jämnt ut."
)
SIE_BAD_DATE = 'datumet "{value}" finns inte; förväntat ÅÅÅÅMMDD, t.ex. 20250331.'
SIE_BAD_AMOUNT = 'beloppet "{value}" är inte ett tal; förväntat t.ex. -1234.50.'
SIE_BAD_OBJECTS = 'objektlistan "{value}" är ofullständig; förväntat par av dimension och objekt.'
PAXML_TRUNCATED = (
    "filen tar slut innan PAXml-dokumentet är avslutat; förväntat en komplett fil som slutar "
    "med </paxml>."
)
EXCHANGE_DUPLICATE_TABLE = (
    'filen ger rader till tabellen {table}, som redan kommer från filen "{other}"; förväntat '
    "en fil per tabell (lägg samman filerna eller ta bort den ena)."
)
