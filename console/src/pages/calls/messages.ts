/** The call log page's texts. */
export const messages = {
  en: {
    'calls.title': 'Call log',
    'calls.titleOf': 'Calls of {name}',
    'calls.intro':
      "The key's calls of the last 7 days, newest first. A call shows here about a minute after it is made.",
    'calls.back': 'Back to the key',
    'calls.caption': 'Calls, newest first',
    'calls.time': 'Time',
    'calls.method': 'Method',
    'calls.path': 'Path',
    'calls.status': 'Status',
    'calls.latency': 'Latency',
    'calls.latencyMs': '{ms} ms',
    'calls.ip': 'Source IP',
    'calls.none': 'No calls in the last 7 days.',
    'calls.noneYet': 'No calls found so far; older ones may follow: choose "Load more".',
    'calls.shortPage':
      'This page held fewer calls than asked for ({count}); older ones may follow: choose "Load more".',
    'calls.end': 'That is every call of the last 7 days.',
    'calls.loading': 'Loading calls…',
  },
  de: {
    'calls.title': 'Aufrufprotokoll',
    'calls.titleOf': 'Aufrufe von {name}',
    'calls.intro':
      'Die Aufrufe des Schlüssels der letzten 7 Tage, die neuesten zuerst. Ein Aufruf erscheint hier etwa eine Minute, nachdem er gemacht wurde.',
    'calls.back': 'Zurück zum Schlüssel',
    'calls.caption': 'Aufrufe, die neuesten zuerst',
    'calls.time': 'Zeit',
    'calls.method': 'Methode',
    'calls.path': 'Pfad',
    'calls.status': 'Status',
    'calls.latency': 'Antwortzeit',
    'calls.latencyMs': '{ms} ms',
    'calls.ip': 'Quell-IP',
    'calls.none': 'Keine Aufrufe in den letzten 7 Tagen.',
    'calls.noneYet': 'Bisher keine Aufrufe gefunden; ältere können folgen: Wählen Sie „Mehr laden“.',
    'calls.shortPage':
      'Diese Seite enthielt weniger Aufrufe als angefragt ({count}); ältere können folgen: Wählen Sie „Mehr laden“.',
    'calls.end': 'Das sind alle Aufrufe der letzten 7 Tage.',
    'calls.loading': 'Aufrufe werden geladen …',
  },
} as const;
