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
