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
BAD_CSV = "filen går inte att läsa som CSV ({detail}); förväntat samma antal fält på varje rad."
NO_HEADER = "rubrikraden saknas; förväntat kolumnnamnen på första raden."
DUPLICATE_COLUMN = (
    'kolumnen "{column}" förekommer två gånger (även som "{other}"); förväntat en gång.'
)
MISSING_COLUMN = "kolumnen saknas; den är obligatorisk i den här tabellen."

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
HOURLY_NEEDS = "värde saknas; en timavlönad anställning måste ha timlön."
DUPLICATE_KEY = "raden har samma {key} som rad {other}; förväntat en rad per {key}."

# References between tables
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
    'för medarbetare "{employee}"; förväntat högst en anställning åt gången.'
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
