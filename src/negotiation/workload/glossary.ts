/**
 * Requests arrive in the language of the team that writes them, with English
 * product names and the numbers in between: "ca. 2.000 Requests pro Sekunde",
 * "250 Go, croissance de 30 % par an", "unos 15 GB al día". The analyzer's
 * rules, and the sentence encoder, read English; this puts the words that
 * carry a quantity or a kind (units, periods, scale words, "concurrent",
 * "database") into English and the European number style into digits the
 * scanner reads. Everything else is left as written: a product name or a
 * figure reads the same in any language.
 */

/** Words that show a text is German, French, Spanish, Italian or Portuguese rather than English with one foreign word in it. */
const FOREIGN_MARKERS =
  /\b(?:und|der|die|das|dem|den|eine[nmr]?|auf|bei|vom|zum|zur|nach|oder|aus|wir|brauchen|unsere[nmrs]?|nicht|für|mit|ist|sind|nous|avons|du|aux|sur|dans|et|el|del|besoin|notre|nos|pour|avec|les|des|est|sont|une|necesitamos|nuestr[oa]s?|para|con|los|las|una|unos|unas|abbiamo|bisogno|serve|richiesta|un|il|gli|che|ogni|circa|ci|della|delle|dei|degli|nella|sono|questa|questo|wij|zoeken|voor|onze|een|het|van|naar|niet|ook|deze|moet|worden|wordt|hebben|nodig|ongeveer|gemiddeld|uur|somos|uma|dos|das|nas|são|nostr[oa]|precisamos|nosso|nossa|por|pro|ca\.|mio\.?|mrd\.?|tage?n?|jahre?n?|monate?n?|stunden?|sekunden?|jours?|días?|años?|mois|meses|semaines|horas|environ|que|qui|cada|chaque|aproximadamente|ungefähr|etwa|potrzebujemy|prosimy|dla|oraz|około|ok\.|które|jest|będzie|tylko|dziennie|się)(?![\p{L}])/giu;

/** Words as written, between letters that are not part of them: `\b` knows only ASCII, and "simultané" ends in a letter it does not. */
const words = (alternatives: string[]) => new RegExp(`(?<![\\p{L}\\d])(?:${alternatives.join('|')})(?![\\p{L}\\d])`, 'giu');

// Longer phrases first: "par seconde" before "seconde", "base de données" before "données".
const PHRASES: [RegExp, string][] = [
  // Dutch, Italian and Portuguese forms the entries below do not cover.
  [
    words([
      'ci serve',
      'ci servirebbe',
      'ci servirebbero',
      'ci servono',
      'ci occorre',
      'abbiamo bisogno di',
      'precisamos de',
      'necesitamos',
      'wir brauchen',
      "nous avons besoin d'?u?n?e?",
      'wij zoeken',
      'we zoeken',
    ]),
    'we need',
  ],
  [words(['potrzebujemy']), 'we need'],
  // What each person needs, and where it goes: "ogni utente ha bisogno di circa 50 GB di spazio home".
  [words(['ha bisogno di', 'hat bedarf an', 'a besoin de', 'necesita', 'precisa de']), 'needs'],
  [words(['utente', 'usuario', 'utilisateur', 'benutzer', 'nutzer']), 'user'],
  [words(['persone', 'personas', 'pessoas', 'personen']), 'people'],
  [words(['spazio home', 'home-verzeichnis', 'répertoire personnel', 'directorio personal']), 'home directory'],
  [words(["un'area condivisa", 'area condivisa', 'espace partagé', 'gemeinsamer bereich', 'área compartida']), 'a shared area'],
  // Polish.
  [words(['węzły danych', 'węzłów danych', 'węzłach danych']), 'data nodes'],
  [words(['węzły', 'węzłów']), 'nodes'],
  [words(['węzeł', 'węzła', 'węzeł danych']), 'node'],
  [words(['prosimy o rozmiar', 'prosimy o zwymiarowanie']), 'please size'],
  [words(['jednego', 'jeden', 'jedną']), 'one'],
  [words(['klastra', 'klaster', 'klastrze']), 'cluster'],
  [words(['logów', 'logi', 'logach']), 'logs'],
  [words(['dziennie', 'na dzień']), 'per day'],
  [words(['stron', 'strony', 'stronę']), 'pages'],
  // Italian counts and sizes: "80.000 documenti da ~5 KB l'uno", "qualche decina di ricerche al secondo".
  [words(['documenti', 'documentos', 'dokumente']), 'documents'],
  [words(['ricerche', 'búsquedas', 'recherches', 'suchanfragen']), 'searches'],
  [words(['qualche decina di', 'alcune decine di', 'unas decenas de', 'quelques dizaines de', 'einige dutzend']), 'a few dozen'],
  [words(["l'uno", "l'una", 'ciascuno', 'ciascuna', 'cadauno', 'cada uno', 'chacun', 'chacune', 'pro stück']), 'each'],
  [words(['to nie jest część zgłoszenia', 'nie jest częścią zgłoszenia']), 'not part of this ticket'],
  [words(['dostęp z internetu niepotrzebny', 'bez dostępu z internetu']), 'internal only'],
  [words(['strona', 'jedna strona']), 'one page'],
  [words(['sekund', 'sekundy']), 'seconds'],
  [words(['ok\\.']), 'about'],
  [
    words(['kasujemy zaraz po przetworzeniu', 'usuwamy zaraz po przetworzeniu', 'kasowane po przetworzeniu']),
    'deleted right after processing',
  ],
  // "w godzinach 8–18", "zwischen 8 und 18 Uhr", "entre 8h et 18h": working hours as a clock range.
  [
    /(?:w godzinach|zwischen|entre|tra le|dalle|tussen)\s+(\d{1,2})(?::00|h)?\s*(?:–|-|und|et|y|e|alle|a|en)\s*(\d{1,2})(?::00|h)?(?:\s*uhr)?(?![\p{L}\d])/giu,
    'between $1:00 and $2:00',
  ],
  [words(['na sekundę']), 'per second'],
  [words(['retencja', 'retencją', 'przechowywanie']), 'retention'],
  [words(['replika', 'repliki', 'replik']), 'replica'],
  [words(['dni']), 'days'],
  [words(['filmów', 'filmy', 'wideo', 'nagrań']), 'videos'],
  [words(['minuty', 'minut']), 'minutes'],
  [words(['średnio']), 'on average'],
  [words(['transkodowania', 'transkodowanie']), 'transcoding'],
  [words(['kolejki zadań', 'kolejka zadań']), 'job queue'],
  [words(['plików', 'pliki']), 'files'],
  [words(['tymczasowe', 'tymczasowy', 'tymczasowych']), 'scratch'],
  [words(['godzin', 'godziny']), 'hours'],
  [words(['miesięcy', 'miesiące']), 'months'],
  [words(['około']), 'about'],
  [words(['użytkowników']), 'users'],
  [words(['zapytań']), 'requests'],
  [words(['wiadomości']), 'messages'],
  [words(['bazy danych', 'baza danych', 'bazę danych']), 'database'],
  [words(['dostęp tylko z sieci wewnętrznej', 'tylko wewnętrzny', 'tylko w sieci wewnętrznej']), 'internal only'],
  // Spanish and Italian games and invoices.
  [words(['inferência em lote', 'inferencia por lotes', 'inferencia en lote', 'inferenza batch', 'inférence par lots']), 'batch inference'],
  [words(['transcrevendo', 'transcribiendo', 'trascrivendo', 'transcrivant']), 'transcribing'],
  [words(['juego multijugador', 'gioco multiplayer']), 'multiplayer game'],
  [words(['servidor dedicado', 'server dedicato']), 'dedicated game server'],
  [words(['partidas', 'partite']), 'matches'],
  [words(['partida']), 'match'],
  [words(['fatture', 'facturas', 'faturas']), 'invoices'],
  [words(['fattura', 'factura', 'fatura']), 'invoice'],
  [words(['a fine mese', 'a fin de mes', 'no fim do mês', 'en fin de mois']), 'at month-end'],
  [
    words(['nada expuest[oa] a internet', 'no (?:est[aá] )?expuest[oa] a internet', 'non espost[oa] su internet']),
    'not exposed to the internet',
  ],
  [
    words(['abiert[oa] a internet', 'expuest[oa] a internet', 'espost[oa] su internet', 'abert[oa] para a internet']),
    'exposed to the internet',
  ],
  [words(['s[oó]lo red interna']), 'internal only'],
  [words(["nessun accesso dall'esterno", 'sin acceso desde fuera', 'sem acesso externo']), 'internal only'],
  [words(['connessi', 'collegati', 'conectados', 'verbunden', 'connectés', 'verbonden']), 'connected'],
  [words(['fotogrammi', 'fotogramas', 'einzelbilder']), 'frames'],
  [words(['fotogramma', 'fotograma']), 'frame'],
  [words(['finire in', 'terminare in', 'terminar en', 'terminer en', 'fertig in', 'klaar in']), 'finish within'],
  [words(['richiede', 'requiere', 'requer', 'dauert', 'prend', 'duurt']), 'takes'],
  [words(['entro', 'binnen', 'innerhalb von', 'dentro de', 'en moins de']), 'within'],
  [words(['per seconde', 'al secondo']), 'per second'],
  [words(['per dag', 'per giorno', 'ao dia']), 'per day'],
  [words(['per maand', 'ao mês', 'por mês']), 'per month'],
  [words(['per jaar', "l'anno"]), 'per year'],
  [words(['a settimana', 'alla settimana', 'por semana']), 'per week'],
  [words(['seconden']), 'seconds'],
  [words(['uur', 'uren']), 'hours'],
  [words(['dagen']), 'days'],
  [words(['weken']), 'weeks'],
  [words(['maanden']), 'months'],
  [words(['jaar']), 'years'],
  [words(['gebruikers', 'deelnemers', 'partecipanti', 'studenti', 'alunos']), 'users'],
  [words(['bestanden']), 'files'],
  [words(['fotos', 'foto', 'immagini', 'imagens', 'afbeeldingen']), 'photos'],
  [words(['miniaturas', 'miniature']), 'thumbnails'],
  [words(['quotazioni', 'koersen', 'cotações']), 'quotes'],
  [words(['aggiornamenti', 'atualizações', 'actualizaciones']), 'updates'],
  [words(['operazioni', 'operações', 'operaciones', 'operaties']), 'operations'],
  [words(['dispositivi', 'dispositivos', 'apparaten', 'geräte']), 'devices'],
  [words(['contatori', 'contadores', 'zähler']), 'meters'],
  [words(['gelijktijdige?', 'contemporanei', 'contemporaneamente', 'in contemporanea']), 'concurrent'],
  [words(['ongeveer', "zo'n", 'uns', 'umas']), 'about'],
  [words(['elke?', 'ognuno', 'ciascuno', 'ciascun[ao]?']), 'each'],
  [words(['vanaf internet bereikbaar', 'raggiungibile da internet', 'acessível pela internet']), 'public, internet-facing'],
  [words(['maximaal', 'massimo', 'no máximo', 'al massimo', 'höchstens']), 'up to'],
  [words(['bewaren', 'conservare', 'conservamos', 'manteniamo', 'guardar', 'guardamos']), 'keep'],
  [words(['groei']), 'growth'],
  [words(['databank']), 'database'],
  // Kinds of workload.
  [words(['bases? de (?:données|datos|dados)', 'banco de dados', 'datenbank(?:en|server)?', 'banca dati']), 'database'],
  [
    words(['colas? de mensajes', 'files? de messages', 'nachrichtenwarteschlangen?', 'warteschlangen?', 'coda di messaggi']),
    'message queue',
  ],
  [words(['partages? de fichiers', 'dateifreigaben?', 'dateiserver', 'servidor de archivos']), 'file share'],
  [words(['puffern', 'zwischenpuffern', 'tamponner', 'bufferizzare', 'almacenar en búfer']), 'buffer'],
  [words(['informes?', 'rapports?', 'relatórios?', 'rapporti']), 'reports'],
  [words(['sauvegardes?', 'copias? de seguridad', 'datensicherung(?:en)?', 'sicherungen']), 'backups'],
  [words(['recherche plein texte', 'volltextsuche', 'búsqueda de texto completo']), 'full-text search'],
  [words(['journaux', 'protokolle']), 'logs'],
  // Spanish and Portuguese "registros" are records far more often than logs ("registros bibliográficos").
  [words(['registros', 'datensätze', 'enregistrements', 'record']), 'records'],
  [words(['warenk(?:ö|oe)rbe?']), 'shopping carts'],
  // Periods and rates.
  [words(['(?:pro|je) (?:sekunde|sek\\.?)', 'par seconde', 'por segundo', 'al segundo', 'al secondo']), 'per second'],
  // "2.500 Nachrichten/Sek.", "1.200 msg/seg".
  [/\/\s?(?:sek|seg|sec)\.?(?![\p{L}])/giu, '/s'],
  [
    words([
      'cada noche',
      'todas las noches',
      'chaque nuit',
      'toutes les nuits',
      'ogni notte',
      'jede nacht',
      'todas as noites',
      'elke nacht',
    ]),
    'every night',
  ],
  [words(['(?:pro|je) minute', 'par minute', 'por minuto', 'al minuto']), 'per minute'],
  [words(['(?:pro|je) stunde', 'par heure', 'por hora', "all'ora"]), 'per hour'],
  [words(['(?:pro|je|am) tag', 'täglich', 'par jour', 'al día', 'por día', 'al dia', 'por dia', 'al giorno']), 'per day'],
  [words(['(?:pro|je|im) monat', 'par mois', 'al mes', 'por mes', 'al mese']), 'per month'],
  [words(['(?:pro|je|im) jahr', 'par an', 'par année', 'au an', 'al año', 'por año', "all'anno", 'por ano', 'ao ano']), 'per year'],
  [words(['sekunden?', 'secondes?', 'segundos?', 'secondi']), 'seconds'],
  [words(['minuten', 'minutos', 'minuti']), 'minutes'],
  [words(['stunden?', 'heures?', 'horas?', 'ore']), 'hours'],
  [words(['tagen?', 'jours?', 'días?', 'dias?', 'giorni']), 'days'],
  [words(['wochen?', 'semaines?', 'semanas?', 'settimane']), 'weeks'],
  [words(['monate[n]?', 'monat', 'mois', 'meses', 'mesi']), 'months'],
  [words(['jahre[n]?', 'jahr', 'années?', 'años?', 'anni', 'anos?']), 'years'],
  [/(\d)\s?ans?(?![\p{L}\d])/giu, '$1 years'],
  // What is counted.
  [words(['anfragen', 'requêtes', 'peticiones', 'solicitudes', 'richieste', 'requisições']), 'requests'],
  [
    words([
      'benutzer(?:innen)?',
      'nutzer(?:innen)?',
      'utilisateurs?',
      'usuarios',
      'utenti',
      'usuários',
      'alumnos',
      'étudiants',
      'studenten',
    ]),
    'users',
  ],
  [words(['spieler(?:innen)?', 'joueurs', 'jugadores', 'giocatori', 'jogadores']), 'players'],
  [
    words([
      'doit être terminé en',
      'doit être fini en',
      'doit être terminée? (?:d|sous)',
      'muss (?:in|innerhalb von)',
      'debe terminar en',
      'deve terminare (?:in|entro)',
    ]),
    'must finish within',
  ],
  [
    words(['stockés localement', 'stockées localement', 'lokal gespeichert', 'almacenados localmente', 'salvati localmente']),
    'stored locally',
  ],
  [words(['onderdeel van een', 'teil (?:eines|von einem)', "fait partie d'un", 'parte de un', 'parte di un', 'parte de um']), 'part of a'],
  [words(['cluster van', 'cluster von', 'cluster de', 'cluster di']), 'cluster of'],
  [words(['berichten', 'bericht']), 'messages'],
  [
    words([
      'nachrichtengröße',
      'nachrichtengroesse',
      'taille des messages',
      'tamaño de(?:l)? mensajes?',
      'dimensione dei messaggi',
      'berichtgrootte',
    ]),
    'message size',
  ],
  [words(['uur', 'uren']), 'hours'],
  [words(['ongeveer', "zo'n"]), 'about'],
  [words(['gemiddeld']), 'on average'],
  [words(['retentie', 'bewaartermijn']), 'retention'],
  [words(['per seconde']), 'per second'],
  [words(['caminhões', 'camiões', 'camiones', 'camion', 'camions', 'lkw', 'vrachtwagens']), 'trucks'],
  [words(['a cada', 'toutes les']), 'every'],
  [words(['por linha', 'par ligne', 'por fila', 'pro zeile', 'per riga']), 'per row'],
  [words(['triplica', 'triplique', 'se triplica', 'verdreifacht sich', 'verdreifacht', 'triplo']), 'triples'],
  [words(['duplica', 'se duplica', 'double', 'verdoppelt sich', 'verdoppelt', 'raddoppia']), 'doubles'],
  [words(['aktive[nr]?', 'actifs', 'actives', 'activos', 'activas', 'ativos', 'ativas', 'attivi', 'attive', 'actieve']), 'active'],
  [words(['de memória', 'de mémoire', 'de memoria', 'di memoria', 'arbeitsspeicher', 'geheugen']), 'of memory'],
  [words(['warenkörbe', 'paniers', 'carritos', 'carrinhos', 'carrelli', 'winkelwagens']), 'carts'],
  [words(['warenkorb', 'panier', 'carrito', 'carrinho', 'carrello', 'winkelwagen']), 'cart'],
  // "1,5 Mio. Warenkörbe à ~8 KB": so much each.
  [/(?<=\p{L})\s+à\s+(?=~?\s?\d)/gu, ' each '],
  // "4 nodos detrás del balanceador, el tamaño es por nodo", "ein CockroachDB-Knoten", "merci de dimensionner une instance".
  [words(['nodos', 'nœuds', 'noeuds', 'nodi']), 'nodes'],
  [words(['nodo', 'nœud', 'noeud', 'knoten']), 'node'],
  [words(['el tamaño es', 'la taille est', 'die größe ist', 'o tamanho é', 'la dimensione è']), 'size is'],
  [words(['dimensionner', 'dimensionnez', 'dimensionar', 'dimensione', 'dimensionieren', 'dimensionare']), 'size'],
  [/\b(?:por|par|pro|per) (node)\b/giu, 'per $1'],
  [words(['instanzen', 'istanze', 'instancias', 'instâncias']), 'instances'],
  [words(['instanz', 'istanza', 'instancia', 'instância']), 'instance'],
  [words(['kerne', 'núcleos', 'cœurs', 'coeurs']), 'cores'],
  [words(['kern', 'núcleo', 'cœur', 'coeur']), 'core'],
  [/\b(?:pro|je) (vm|maschine|server|host|box|instance)(?![\p{L}])/giu, 'per $1'],
  [words(['ereignisse', 'événements', 'evenements', 'eventos', 'eventi']), 'events'],
  [words(['sitzungen', 'séances', 'sesiones', 'sessioni']), 'sessions'],
  [words(['nachrichten', 'mensajes', 'messaggi', 'mensagens', 'notificaciones', 'benachrichtigungen']), 'messages'],
  [words(['kunden', 'clientes', 'clienti']), 'customers'],
  [words(['dateien', 'fichiers', 'archivos', 'arquivos']), 'files'],
  [words(['transaktionen', 'transacciones', 'transazioni', 'transações']), 'transactions'],
  [words(['daten', 'données', 'datos', 'dati', 'dados']), 'data'],
  [
    words([
      'gleichzeitig(?:e|en)?',
      'en simultané',
      'simultanés?',
      'simultáne[oa]s?',
      'simultanei',
      'simultanee',
      'concurrentes',
      'simultâne[oa]s',
    ]),
    'concurrent',
  ],
  [words(['wachstum', 'croissance', 'crecimiento', 'crescita', 'crescimento']), 'growth'],
  [words(['aufbewahrung', 'rétention', 'conservation', 'retención', 'conservación', 'conservazione', 'retenção']), 'retention'],
  [
    words(['in der spitze', 'spitzenlast', 'en pointe', 'au pic', 'en pico', 'en el pico', 'de pico', 'picos? de', 'in picco', 'no pico']),
    'at peak',
  ],
  [words(['bis zu', "jusqu'à", 'jusqu’à', 'hasta', 'fino a', 'até']), 'up to'],
  [
    words(['ca\\.', 'circa', 'etwa', 'ungefähr', 'rund', 'environ', 'aproximadamente', 'alrededor de', 'unos', 'unas', 'cerca de']),
    'about',
  ],
  [words(['jede[rsn]?', 'chaque', 'cada', 'ogni']), 'each'],
  [words(['öffentlich erreichbar', 'accessible depuis internet', 'accesible desde internet']), 'public, internet-facing'],
  [words(['nur intern', 'uniquement depuis le réseau interne', 'solo acceso interno', 'accès interne uniquement']), 'internal only'],
];

/** Scale words after a figure: "1,5 Mio.", "2 Mrd.", "3 millions de", "5 millones de". */
const SCALES: [RegExp, string][] = [
  [/(\d)\s?(?:mio\.?|millionen|millions?(?: de| d')?|millones(?: de)?|milioni(?: di)?|milhões(?: de)?)(?![\p{L}])/giu, '$1 million'],
  [/(\d)\s?(?:mrd\.?|milliarden|milliards?(?: de| d')?|mil millones(?: de)?|miliardi(?: di)?|bilhões(?: de)?)(?![\p{L}])/giu, '$1 billion'],
  [/(\d)\s?(?:tsd\.?|tys\.?|mille|mila|mil|duizend)(?![\p{L}])/giu, '$1 thousand'],
];

/** How many marker words make a text foreign: one could be a product's name or a quoted word. */
const MIN_MARKERS = 2;

export function readsAsForeign(text: string): boolean {
  return (text.match(FOREIGN_MARKERS)?.length ?? 0) >= MIN_MARKERS;
}

/**
 * The description with its quantity words in English. French sizes in
 * octets ("250 Go", "3 To") are read in any text: the capital letter and the
 * figure before them leave no English reading. The rest only in a text that
 * reads as another language, where "2.000" is two thousand and "1,5" one and
 * a half; in English text those stay as the number scanner reads them.
 */
export function inEnglishTerms(text: string): string {
  let t = text.replace(/(\d)\s?([KMGTP])o\b/g, '$1 $2B');
  if (!readsAsForeign(t)) return t;
  t = t
    // "2.000 Requests", "1.500.000 Nutzer": dots group thousands.
    .replace(/(?<![\d.,])(\d{1,3}(?:\.\d{3})+)(?![\d.,]?\d)/g, (m) => m.replace(/\./g, ''))
    // "1,5 Mio.", "2,5 TB", "0,3 %": a comma before one to three digits is the decimal point.
    .replace(/(?<![\d.,])(\d+),(\d{1,3})(?![\d.,]?\d)/g, '$1.$2')
    // "800 000 clients": French and Spanish group thousands with a space.
    .replace(/(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d.,]?\d)/g, (m) => m.replace(/ /g, ''));
  for (const [pattern, english] of [...SCALES, ...PHRASES]) t = t.replace(pattern, english);
  t = t.replace(/\bretention (?:de|von|di|do|da)\b/g, 'retention of');
  // German gives a size "à" each: "1,5 Mio. Warenkörbe à ~8 KB".
  return t.replace(/\sà\s(?=~?\s?\d)/gu, ' at ');
}
