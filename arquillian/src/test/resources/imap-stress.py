#!/usr/bin/env python3
"""Several sessions of one user on one mailbox, each doing random APPEND / FETCH / STORE / EXPUNGE / COPY /
SEARCH / STATUS / NOOP for a bounded time; then two fresh sessions must see the same messages and flags.

   imap-stress.py HOST PORT USER PASSWORD MAILBOX SECONDS WORKERS [starttls]

Prints one JSON line: operation counts, errors (any answer but OK, except NO [EXPUNGEISSUED] and BAD for a
sequence number another session's EXPUNGE made invalid), and whether the two final views agree."""
import imaplib, json, random, re, ssl, sys, threading, time

host, port, user, password, box = sys.argv[1:6]
seconds, workers = float(sys.argv[6]), int(sys.argv[7])
tls = len(sys.argv) > 8 and sys.argv[8] == 'starttls'
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
counts, errors, lock = {}, [], threading.Lock()


def login():
    m = imaplib.IMAP4(host, int(port), timeout=30)
    if tls:
        m.starttls(ssl_context=ctx)
    m.login(user, password)
    return m


def tolerated(text):
    return 'EXPUNGEISSUED' in text or 'Invalid message sequence number' in text


def worker(n):
    rnd = random.Random(n)
    try:
        m = login()
        typ, data = m.select(box)
        if typ != 'OK':
            raise RuntimeError('SELECT %s %s' % (typ, data))
        end = time.time() + seconds
        while time.time() < end:
            op = rnd.choice(['append', 'append', 'fetch', 'body', 'uidfetch', 'store', 'store', 'expunge',
                             'search', 'noop', 'copy', 'status'])
            try:
                if op == 'append':
                    flags = rnd.choice([None, '(\\Seen)', '($Label1)', '(\\Flagged $Label2)'])
                    msg = 'Subject: s%d %f\r\nMessage-ID: <%f@stress>\r\n\r\nbody %d\r\n' % (n, rnd.random(), rnd.random(), n)
                    typ, data = m.append(box, flags, None, msg.encode())
                elif op == 'fetch':
                    typ, data = m.fetch('1:*', '(UID FLAGS)')
                elif op == 'body':
                    typ, data = m.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)] ENVELOPE BODYSTRUCTURE RFC822.SIZE)')
                elif op == 'uidfetch':
                    typ, data = m.uid('FETCH', '1:*', '(FLAGS BODY.PEEK[])')
                elif op == 'store':
                    typ, data = m.store('1:*', rnd.choice(['+FLAGS', '-FLAGS', '+FLAGS.SILENT']),
                                        rnd.choice(['(\\Seen)', '(\\Deleted)', '($Label1)', '(\\Flagged)']))
                elif op == 'expunge':
                    typ, data = m.expunge()
                elif op == 'search':
                    typ, data = m.search(None, rnd.choice(['ALL', 'UNSEEN', 'DELETED', 'RECENT', 'NEW',
                                                           'KEYWORD $Label1', 'OR SEEN FLAGGED', 'BODY body']))
                elif op == 'noop':
                    typ, data = m.noop()
                elif op == 'copy':
                    typ, data = m.copy('1:3', box)
                else:
                    typ, data = m.status(box, '(MESSAGES RECENT UNSEEN UIDNEXT)')
                key = op + ':' + typ
                if typ != 'OK' and not tolerated(str(data)):
                    with lock:
                        errors.append('%d %s %s %s' % (n, op, typ, str(data)[:200]))
            except imaplib.IMAP4.error as e:
                key = op + ':error'
                if not tolerated(str(e)):
                    with lock:
                        errors.append('%d %s %s' % (n, op, str(e)[:200]))
            with lock:
                counts[key] = counts.get(key, 0) + 1
        m.logout()
    except Exception as e:  # a dropped connection, a timeout: the server did not survive the session
        with lock:
            errors.append('%d fatal %r' % (n, e))


setup = login()
setup.create(box)
setup.logout()
threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
a, b = login(), login()
a.select(box)
b.select(box)
without_recent = lambda lines: [re.sub(rb' ?\\\\Recent', b'', x) for x in lines if x]
uids_a, uids_b = a.uid('SEARCH', None, 'ALL')[1], b.uid('SEARCH', None, 'ALL')[1]
flags_a = without_recent(a.fetch('1:*', '(UID FLAGS)')[1]) if uids_a[0] else []
flags_b = without_recent(b.fetch('1:*', '(UID FLAGS)')[1]) if uids_b[0] else []
print(json.dumps({'counts': counts, 'errors': errors, 'messages': len(uids_a[0].split()),
                  'uids_equal': uids_a == uids_b, 'flags_equal': flags_a == flags_b}))
