/*  wire_probe.c - sends hand-made frames to a lontar hub and prints what
    comes back, for the bad-input test of replication (tests/repl_badinput.sh).

        wire_probe ENDPOINT [--timeout MS] STEP...

    One DEALER connects to ENDPOINT (the replication or the query endpoint)
    and runs the steps in order on that one connection. After each step it
    prints every reply, decoded ("< REFUSE code=4 expected=1 reason=..."),
    or "< none" when none came within MS milliseconds (default 2000); after
    a reply it waits 200 ms more for others (a busy hub answers late, and
    a late answer must not be taken for the next step's).
    Steps:
      hex:HEX                  the bytes given in hex
      file:PATH                the bytes of a file
      garbage                  bytes that are not msgpack
      empty                    a frame of 0 bytes
      hello:OFFICE[:INC[:HEAD[:CLOCK]]]
                               a valid HELLO (INC and CLOCK in hex; INC
                               random, HEAD and CLOCK 0 by default)
      hello-truncated:OFFICE   the first half of a valid HELLO
      hello-v2:OFFICE          a HELLO that says protocol version 2
      batch:FIRST[:COUNT[:OFFICE[:tomb]]]
                               a BATCH of COUNT (1) changes of sequences
                               FIRST...; the changes are of suggestions of
                               OFFICE (default: the last HELLO's) and carry
                               a body that is not a suggestion, or with
                               "tomb" are tombstones (which a hub accepts)
      welcome                  a WELCOME, a message the hub only sends
      multi                    one message of two frames
      big:BYTES                one frame of BYTES bytes of garbage
      flood:N                  N garbage frames; prints the replies counted
                               by type and code
      wait                     sends nothing, only waits for replies
    Exit: 0 when every step was sent, 64 usage, 69 when a send failed.    */
#include <czmq.h>

#include "lnt_codec.h"
#include "lnt_msg.h"
#include "lnt_time.h"

static int s_timeout = 2000;      /* wait for a step's first reply (ms)   */
static int s_quiet = 200;         /* then for each further reply (ms)      */
static char s_office[16] = "3501"; /* office of the last HELLO             */
static uint64_t s_incarnation;    /* incarnation of the last HELLO         */

static const char *
s_type_name (uint8_t type)
{
    switch (type) {
        case LNT_MSG_WELCOME: return "WELCOME";
        case LNT_MSG_ACK: return "ACK";
        case LNT_MSG_REFUSE: return "REFUSE";
        case LNT_MSG_DOWN: return "DOWN";
        case LNT_MSG_ANSWER: return "ANSWER";
        case LNT_MSG_RESTORE: return "RESTORE";
        default: return "OTHER";
    }
}

/*  Prints one reply frame, decoded.                                       */
static void
s_print_reply (zframe_t *frame)
{
    lnt_msg_t m;
    lnt_why_t why = {""};
    if (lnt_msg_decode (zframe_data (frame), zframe_size (frame), &m, &why)) {
        printf ("< UNDECODABLE bytes=%zu error=\"%s\"\n", zframe_size (frame),
                why.text);
        lnt_msg_release (&m);
        return;
    }
    switch (m.type) {
        case LNT_MSG_WELCOME:
            printf ("< WELCOME verdict=%u acked=%llu window=%u\n", m.verdict,
                    (unsigned long long) m.seq, m.window);
            break;
        case LNT_MSG_ACK:
            printf ("< ACK acked=%llu\n", (unsigned long long) m.seq);
            break;
        case LNT_MSG_REFUSE:
            printf ("< REFUSE code=%u expected=%llu reason=\"%s\"\n", m.code,
                    (unsigned long long) m.seq, m.text);
            break;
        case LNT_MSG_ANSWER:
            printf ("< ANSWER code=%u body=\"%.*s\"\n", m.code,
                    (int) strcspn (m.body ? m.body : "", "\n"),
                    m.body ? m.body : "");
            break;
        default:
            printf ("< %s first=%llu last=%llu count=%u\n",
                    s_type_name (m.type), (unsigned long long) m.seq,
                    (unsigned long long) m.last, m.count);
    }
    lnt_msg_release (&m);
}

/*  Prints the replies that come until none came for the quiet time;
    with want > 0, counts them by type and code instead, and waits for
    want of them (up to the timeout between two).                        */
static void
s_replies (zsock_t *sock, int want)
{
    bool counts = want > 0;
    zpoller_t *poller = zpoller_new (sock, NULL);
    int n = 0;
    int tally[256][8] = {{0}};
    while (zpoller_wait (poller, n == 0 || (counts && n < want) ? s_timeout
                                                                 : s_quiet)) {
        zframe_t *frame = zframe_recv (sock);
        if (!frame)
            break;
        n++;
        if (counts) {
            lnt_msg_t m;
            lnt_why_t why = {""};
            if (lnt_msg_decode (zframe_data (frame), zframe_size (frame), &m,
                                &why) == 0)
                tally[m.type][m.code < 8 ? m.code : 7]++;
            lnt_msg_release (&m);
        }
        else
            s_print_reply (frame);
        zframe_destroy (&frame);
    }
    if (counts)
        for (int t = 0; t < 256; t++)
            for (int c = 0; c < 8; c++)
                if (tally[t][c])
                    printf ("< %d x %s code=%d\n", tally[t][c],
                            s_type_name ((uint8_t) t), c);
    if (!n)
        printf ("< none\n");
    zpoller_destroy (&poller);
    fflush (stdout);
}

static int
s_send (zsock_t *sock, const void *data, size_t len)
{
    return zmq_send (zsock_resolve (sock), data, len, 0) < 0 ? -1 : 0;
}

static void
s_hello (lnt_buf_t *out, const char *office, uint64_t incarnation,
         uint64_t head, uint64_t clock)
{
    lnt_msg_t m = {.type = LNT_MSG_HELLO, .incarnation = incarnation,
                   .log_head = head, .clock = clock};
    snprintf (m.office, sizeof m.office, "%.7s", office);
    lnt_msg_encode (&m, out);
}

/*  A BATCH of count changes from first, of suggestions of office.        */
static void
s_batch (lnt_buf_t *out, uint64_t first, uint32_t count, const char *office,
         bool tomb)
{
    lnt_buf_t body = {0};
    uint64_t version = (uint64_t) lnt_time_now_ms () << 16;
    for (uint32_t i = 0; i < count; i++) {
        lnt_change_t c = {.kind = LNT_KIND_SUGGESTION,
                          .section = LNT_SECTION_OFFICE};
        snprintf (c.id, sizeof c.id, "%.7s-2026-%06llu", office,
                  (unsigned long long) (first + i));
        snprintf (c.office, sizeof c.office, "%.7s", office);
        c.state.present = true;
        c.state.version = version + i;
        c.state.node = s_incarnation ? s_incarnation : 1;
        c.state.deleted = tomb;
        c.state.body = tomb ? NULL : "not a suggestion";
        c.state.body_len = tomb ? 0 : 16;
        lnt_codec_change_encode (&c, &body);
    }
    lnt_msg_batch_begin (out, LNT_MSG_BATCH, first, first + count - 1, count);
    lnt_buf_append (out, body.data, body.len);
    lnt_buf_free (&body);
}

static int
s_usage (void)
{
    fprintf (stderr, "usage: wire_probe ENDPOINT [--timeout MS] STEP...\n"
                     "(see the head of tests/wire_probe.c for the steps)\n");
    return 64;
}

/*  Runs one step. 0, 64 for a step it does not know, 69 on a send error. */
static int
s_step (zsock_t *sock, const char *step)
{
    lnt_buf_t out = {0};
    char arg[4][64] = {{0}};
    const char *colon = strchr (step, ':');
    size_t nlen = colon ? (size_t) (colon - step) : strlen (step);
    char name[32];
    snprintf (name, sizeof name, "%.*s", (int) nlen, step);
    if (colon) {
        char copy[256];
        snprintf (copy, sizeof copy, "%s", colon + 1);
        char *save = NULL;
        int i = 0;
        for (char *t = strtok_r (copy, ":", &save); t && i < 4;
             t = strtok_r (NULL, ":", &save))
            snprintf (arg[i++], sizeof arg[0], "%s", t);
    }
    printf ("> %s\n", step);
    int rc = 0;
    int counts = 0;
    if (strcmp (name, "hex") == 0) {
        size_t n = strlen (colon ? colon + 1 : "");
        for (size_t i = 0; i + 2 <= n; i += 2) {
            unsigned int b;
            sscanf (colon + 1 + i, "%2x", &b);
            uint8_t byte = (uint8_t) b;
            lnt_buf_append (&out, &byte, 1);
        }
        rc = s_send (sock, out.data, out.len);
    }
    else if (strcmp (name, "file") == 0) {
        zchunk_t *chunk = zchunk_slurp (colon ? colon + 1 : "", 0);
        if (!chunk) {
            fprintf (stderr, "wire_probe: cannot read %s\n", colon + 1);
            return 64;
        }
        rc = s_send (sock, zchunk_data (chunk), zchunk_size (chunk));
        zchunk_destroy (&chunk);
    }
    else if (strcmp (name, "garbage") == 0)
        rc = s_send (sock, "\xc1\xff garbage \x00\x01", 13);
    else if (strcmp (name, "empty") == 0)
        rc = s_send (sock, "", 0);
    else if (strcmp (name, "hello") == 0 || strcmp (name, "hello-truncated") == 0
             || strcmp (name, "hello-v2") == 0) {
        if (!arg[0][0])
            return s_usage ();
        snprintf (s_office, sizeof s_office, "%.15s", arg[0]);
        s_incarnation = arg[1][0] ? strtoull (arg[1], NULL, 16)
                                  : ((uint64_t) randof (0x7fffffff) << 32
                                     | (uint64_t) randof (0x7fffffff)) | 1;
        s_hello (&out, s_office, s_incarnation,
                 arg[2][0] ? strtoull (arg[2], NULL, 10) : 0,
                 arg[3][0] ? strtoull (arg[3], NULL, 16) : 0);
        size_t len = out.len;
        if (strcmp (name, "hello-truncated") == 0)
            len /= 2;
        if (strcmp (name, "hello-v2") == 0)
            ((uint8_t *) out.data)[1] = 2; /* [fixarray, version, ...]    */
        rc = s_send (sock, out.data, len);
    }
    else if (strcmp (name, "batch") == 0) {
        if (!arg[0][0])
            return s_usage ();
        uint64_t first = strtoull (arg[0], NULL, 10);
        uint32_t count = arg[1][0] ? (uint32_t) atoi (arg[1]) : 1;
        s_batch (&out, first, count, arg[2][0] ? arg[2] : s_office,
                 strcmp (arg[3], "tomb") == 0);
        rc = s_send (sock, out.data, out.len);
    }
    else if (strcmp (name, "welcome") == 0) {
        lnt_msg_t m = {.type = LNT_MSG_WELCOME, .window = 4};
        lnt_msg_encode (&m, &out);
        rc = s_send (sock, out.data, out.len);
    }
    else if (strcmp (name, "multi") == 0) {
        lnt_msg_t m = {.type = LNT_MSG_DOWN_ACK, .seq = 1};
        lnt_msg_encode (&m, &out);
        rc = zmq_send (zsock_resolve (sock), out.data, out.len, ZMQ_SNDMORE)
                     < 0
                 ? -1
                 : s_send (sock, out.data, out.len);
    }
    else if (strcmp (name, "big") == 0) {
        size_t n = arg[0][0] ? strtoull (arg[0], NULL, 10) : 0;
        char *big = malloc (n ? n : 1);
        memset (big, 0xc1, n ? n : 1);
        rc = s_send (sock, big, n);
        free (big);
    }
    else if (strcmp (name, "flood") == 0) {
        int n = atoi (arg[0]);
        for (int i = 0; i < n && rc == 0; i++)
            rc = s_send (sock, "\xc1 flood", 7);
        counts = n;
    }
    else if (strcmp (name, "wait") != 0) {
        fprintf (stderr, "wire_probe: unknown step %s\n", step);
        lnt_buf_free (&out);
        return s_usage ();
    }
    lnt_buf_free (&out);
    if (rc) {
        printf ("< send failed: %s\n", zmq_strerror (zmq_errno ()));
        return 69;
    }
    s_replies (sock, counts);
    return 0;
}

int
main (int argc, char **argv)
{
    int i = 1;
    if (argc < 3)
        return s_usage ();
    const char *endpoint = argv[i++];
    if (strcmp (argv[i], "--timeout") == 0) {
        if (i + 1 >= argc)
            return s_usage ();
        s_timeout = atoi (argv[i + 1]);
        i += 2;
    }
    zsys_init ();
    zsys_set_logstream (NULL);
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_linger (sock, 0);
    zsock_set_sndtimeo (sock, 5000);
    zsock_set_rcvhwm (sock, 100000);
    zsock_set_sndhwm (sock, 100000);
    if (!sock || zsock_connect (sock, "%s", endpoint) != 0) {
        fprintf (stderr, "wire_probe: cannot connect to %s\n", endpoint);
        zsock_destroy (&sock);
        return 64;
    }
    int rc = 0;
    for (; i < argc && rc == 0; i++)
        rc = s_step (sock, argv[i]);
    zsock_destroy (&sock);
    return rc;
}
