import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  /** The raw message (headers and body) as the server received it. */
  raw: string;
  /** Its body with quoted-printable soft breaks and escapes undone, so links can be read whole. */
  text: string;
}

/** Undoes quoted-printable: nodemailer wraps long lines (links) at 76 characters. */
export function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives (and can be told to refuse). */
export function startMailbox(port: number, onMail?: (mail: ReceivedMail) => void) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        const mail = { to: session.envelope.rcptTo.map((r) => r.address), raw, text: decodeQuotedPrintable(raw) };
        received.push(mail);
        onMail?.(mail);
        callback();
      });
    },
  });
  return {
    received,
    listen: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The approve and reject tokens in the last approval mail to `email` about `subjectPart`. */
export function approvalTokens(received: ReceivedMail[], email: string, subjectPart: string) {
  const mail = received.findLast((m) => m.to.includes(email) && m.text.includes(subjectPart) && m.text.includes('/approval-link/'));
  if (!mail) return undefined;
  const approve = /\/approval-link\/([A-Za-z0-9_-]{43})\?decision=approve\b/.exec(mail.text)?.[1];
  const reject = /\/approval-link\/([A-Za-z0-9_-]{43})\?decision=reject\b/.exec(mail.text)?.[1];
  return approve && reject ? { approve, reject, mail } : undefined;
}
