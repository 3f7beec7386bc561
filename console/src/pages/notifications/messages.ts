export const messages = {
  en: {
    'notifications.title': 'Notifications',
    'notifications.intro': 'Reminders and warnings about the keys and webhooks of the environment shown, newest first.',
    'notifications.unread': '{count} unread',
    'notifications.allRead': 'All read.',
    'notifications.empty': 'No notifications.',
    'notifications.new': 'Unread',
    'notifications.markRead': 'Mark as read',
    'notifications.markReadLabel': 'Mark as read: {title}',
    'notifications.markedRead': 'Marked as read.',
    'notifications.readAt': 'Read {time}',
    'notifications.openKey': 'Open the key',
    'notifications.openWebhook': 'Open the webhook',
    'notifications.where': 'Found at',
    'notifications.rotationDue.title': 'Rotate the key “{keyName}”',
    'notifications.rotationDue.body':
      'The key “{keyName}” (…{last8}) is due for rotation (reminder {stage}). Rotate it and move your integration to the new key.',
    'notifications.webhookDisabled.title': 'Webhook disabled',
    'notifications.webhookDisabled.body':
      'The webhook endpoint {url} was disabled ({reason}). Nothing is sent to it until it is enabled again.',
    'notifications.reason.gone': 'the receiver answered 410 Gone',
    'notifications.reason.failing': 'every delivery attempt failed for 5 days',
    'notifications.reason.manual': 'an admin paused it',
    'notifications.leaked.title': 'Key “{keyName}” found in public',
    'notifications.leaked.revoked':
      'The key “{keyName}” (…{last8}) was found in public and has been revoked. Replace it and remove it from where it was found.',
    'notifications.leaked.deactivated':
      'The key “{keyName}” (…{last8}) was found in public and has been deactivated. Replace it and remove it from where it was found.',
  },
  de: {
    'notifications.title': 'Benachrichtigungen',
    'notifications.intro':
      'Erinnerungen und Warnungen zu den Schlüsseln und Webhooks der angezeigten Umgebung, die neuesten zuerst.',
    'notifications.unread': '{count} ungelesen',
    'notifications.allRead': 'Alles gelesen.',
    'notifications.empty': 'Keine Benachrichtigungen.',
    'notifications.new': 'Ungelesen',
    'notifications.markRead': 'Als gelesen markieren',
    'notifications.markReadLabel': 'Als gelesen markieren: {title}',
    'notifications.markedRead': 'Als gelesen markiert.',
    'notifications.readAt': 'Gelesen {time}',
    'notifications.openKey': 'Schlüssel öffnen',
    'notifications.openWebhook': 'Webhook öffnen',
    'notifications.where': 'Gefunden unter',
    'notifications.rotationDue.title': 'Schlüssel „{keyName}“ rotieren',
    'notifications.rotationDue.body':
      'Der Schlüssel „{keyName}“ (…{last8}) muss rotiert werden (Erinnerung {stage}). Rotieren Sie ihn und stellen Sie Ihre Integration auf den neuen Schlüssel um.',
    'notifications.webhookDisabled.title': 'Webhook deaktiviert',
    'notifications.webhookDisabled.body':
      'Der Webhook-Endpunkt {url} wurde deaktiviert ({reason}). Bis zur erneuten Aktivierung wird nichts an ihn gesendet.',
    'notifications.reason.gone': 'der Empfänger hat mit 410 Gone geantwortet',
    'notifications.reason.failing': 'alle Zustellversuche sind 5 Tage lang fehlgeschlagen',
    'notifications.reason.manual': 'ein Admin hat ihn pausiert',
    'notifications.leaked.title': 'Schlüssel „{keyName}“ öffentlich gefunden',
    'notifications.leaked.revoked':
      'Der Schlüssel „{keyName}“ (…{last8}) wurde öffentlich gefunden und widerrufen. Ersetzen Sie ihn und entfernen Sie ihn dort, wo er gefunden wurde.',
    'notifications.leaked.deactivated':
      'Der Schlüssel „{keyName}“ (…{last8}) wurde öffentlich gefunden und deaktiviert. Ersetzen Sie ihn und entfernen Sie ihn dort, wo er gefunden wurde.',
  },
};
