/*  test_merge.c - unit test for lnt_merge, the pure merge rule of DESIGN
    section 4: the order of (version, node); the verdicts NEW, WIN, DUP and
    LOSE; which conflict is kept and which is cleared for a loser of the
    winner's node, a loser of another node and a winner of another node;
    tombstones (a deleted record never comes back by replay); sections
    merge independently; and, folding every permutation of a few changes
    through the rule with an in-memory conflict set, that the outcome does
    not depend on the order.

    Usage: test_merge [DATA-FOLDER] (unused: the rule does no I/O).        */
#include "lnt_merge.h"
#include "lnt_test.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NODE_A 0x1111111111111111ULL /* a node                            */
#define NODE_B 0x2222222222222222ULL /* a node greater than A              */
#define NODE_C 0x0000000000000003ULL /* a node smaller than both           */

static const char s_body_1[] = "body one";   /* some body bytes          */
static const char s_body_2[] = "body two";   /* other body bytes         */
static const char s_body_3[] = "body three"; /* yet other body bytes     */

//  ---- helpers -----------------------------------------------------------

static lnt_section_t
s_live (uint64_t version, uint64_t node, const char *body)
{
    return (lnt_section_t){true, version, node, false, body, strlen (body)};
}

static lnt_section_t
s_tomb (uint64_t version, uint64_t node)
{
    return (lnt_section_t){true, version, node, true, NULL, 0};
}

static lnt_change_t
s_change (int section, lnt_section_t state)
{
    lnt_change_t c = {LNT_KIND_SUGGESTION, "3503-2026-000001", "3503",
                      (uint8_t) section, state};
    return c;
}

static lnt_record_t
s_record (lnt_section_t office, lnt_section_t province)
{
    lnt_record_t r = {LNT_KIND_SUGGESTION, "3503-2026-000001", "3503",
                      {office, province}};
    return r;
}

static bool
s_same_section (const lnt_section_t *a, const lnt_section_t *b)
{
    return a->present == b->present && a->version == b->version
           && a->node == b->node && a->deleted == b->deleted
           && a->body == b->body && a->body_len == b->body_len;
}

//  A record filled with a pattern, to see that the rule leaves it alone
static void
s_poison (lnt_record_t *r)
{
    memset (r, 0xA5, sizeof *r);
}

static bool
s_poisoned (const lnt_record_t *r)
{
    const unsigned char *p = (const unsigned char *) r;
    for (size_t i = 0; i < sizeof *r; i++)
        if (p[i] != 0xA5)
            return false;
    return true;
}

//  ---- the order -----------------------------------------------------------

static void
s_test_compare (void)
{
    lnt_section_t a5 = s_live (5, NODE_A, s_body_1);
    lnt_section_t b5 = s_live (5, NODE_B, s_body_2);
    lnt_section_t a6 = s_live (6, NODE_A, s_body_1);
    lnt_section_t c9 = s_live (9, NODE_C, s_body_3);
    lnt_section_t a5t = s_tomb (5, NODE_A);
    //  The version first
    CHECK (lnt_merge_compare (&a5, &a6) < 0);
    CHECK (lnt_merge_compare (&a6, &a5) > 0);
    CHECK (lnt_merge_compare (&c9, &b5) > 0); // a smaller node, later
    CHECK (lnt_merge_compare (&b5, &c9) < 0);
    //  Then the node: two nodes never tie
    CHECK (lnt_merge_compare (&a5, &b5) < 0);
    CHECK (lnt_merge_compare (&b5, &a5) > 0);
    //  Equal pairs are equal, whatever the body or the tombstone flag
    CHECK_INT (lnt_merge_compare (&a5, &a5), 0);
    CHECK_INT (lnt_merge_compare (&a5, &a5t), 0);
    lnt_section_t a5other = s_live (5, NODE_A, s_body_3);
    CHECK_INT (lnt_merge_compare (&a5, &a5other), 0);
    //  Unsigned: the greatest values order last
    lnt_section_t max = s_live (UINT64_MAX, UINT64_MAX, s_body_1);
    lnt_section_t max_a = s_live (UINT64_MAX, NODE_A, s_body_1);
    CHECK (lnt_merge_compare (&max_a, &max) < 0);
    CHECK (lnt_merge_compare (&a6, &max_a) < 0);
}

//  ---- verdicts --------------------------------------------------------------

static void
s_test_new (void)
{
    //  No record at all: a record is made from the change
    lnt_change_t c = s_change (LNT_SECTION_OFFICE,
                               s_live (5, NODE_A, s_body_1));
    lnt_record_t out;
    lnt_merge_t m;
    s_poison (&out);
    memset (&m, 0xA5, sizeof m);
    lnt_merge_decide (NULL, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_NEW);
    CHECK (!m.conflict);
    CHECK (!m.clear);
    CHECK_INT (out.kind, LNT_KIND_SUGGESTION);
    CHECK_STR (out.id, "3503-2026-000001");
    CHECK_STR (out.office, "3503");
    CHECK (s_same_section (&out.sec[0], &c.state));
    CHECK (!out.sec[1].present);

    //  The record exists without this section: the other one stays
    lnt_record_t rec = s_record (s_live (9, NODE_A, s_body_1),
                                 (lnt_section_t){0});
    c = s_change (LNT_SECTION_PROVINCE, s_live (1, NODE_B, s_body_2));
    s_poison (&out);
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_NEW); // not LOSE to the office section
    CHECK (!m.conflict);
    CHECK (!m.clear);
    CHECK (s_same_section (&out.sec[0], &rec.sec[0]));
    CHECK (s_same_section (&out.sec[1], &c.state));
    CHECK_STR (out.id, rec.id);

    //  A new tombstone is a new section too
    rec = s_record ((lnt_section_t){0}, s_live (4, NODE_B, s_body_2));
    c = s_change (LNT_SECTION_OFFICE, s_tomb (2, NODE_A));
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_NEW);
    CHECK (out.sec[0].present && out.sec[0].deleted);
    CHECK (out.sec[0].body == NULL);
    CHECK (s_same_section (&out.sec[1], &rec.sec[1]));
}

static void
s_test_dup (void)
{
    lnt_record_t rec = s_record (s_live (5, NODE_A, s_body_1),
                                 (lnt_section_t){0});
    lnt_record_t out;
    lnt_merge_t m;
    //  The same stamp, even with other bytes, changes nothing
    lnt_change_t c = s_change (LNT_SECTION_OFFICE,
                               s_live (5, NODE_A, s_body_1));
    lnt_change_t c2 = s_change (LNT_SECTION_OFFICE,
                                s_live (5, NODE_A, s_body_2));
    lnt_change_t *each[] = {&c, &c2};
    for (int i = 0; i < 2; i++) {
        s_poison (&out);
        memset (&m, 0xA5, sizeof m);
        lnt_merge_decide (&rec, each[i], &out, &m);
        CHECK_INT (m.verdict, LNT_MERGE_DUP);
        CHECK (!m.conflict);
        CHECK (!m.clear);
        CHECK (s_poisoned (&out));
    }
}

static void
s_test_lose (void)
{
    lnt_record_t rec = s_record (s_live (5, NODE_A, s_body_1),
                                 (lnt_section_t){0});
    lnt_record_t out;
    lnt_merge_t m;

    //  A loser from the winner's node is history: no conflict
    lnt_change_t c = s_change (LNT_SECTION_OFFICE,
                               s_live (3, NODE_A, s_body_2));
    s_poison (&out);
    memset (&m, 0xA5, sizeof m);
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_LOSE);
    CHECK (!m.conflict);
    CHECK (!m.clear);
    CHECK (s_poisoned (&out));

    //  A loser from another node is a conflict: the incoming state
    c = s_change (LNT_SECTION_OFFICE, s_live (3, NODE_B, s_body_2));
    s_poison (&out);
    memset (&m, 0xA5, sizeof m);
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_LOSE);
    CHECK (m.conflict);
    CHECK (s_same_section (&m.conflict_state, &c.state));
    CHECK (!m.clear);
    CHECK (s_poisoned (&out));

    //  The same version from a smaller node loses too, as a conflict
    c = s_change (LNT_SECTION_OFFICE, s_live (5, NODE_C, s_body_3));
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_LOSE);
    CHECK (m.conflict);
    CHECK_INT (m.conflict_state.node, NODE_C);
    CHECK_INT (m.conflict_state.version, 5);
    CHECK (!m.clear);
}

static void
s_test_win (void)
{
    lnt_section_t province = s_live (2, NODE_C, s_body_3);
    lnt_record_t rec = s_record (s_live (5, NODE_A, s_body_1), province);
    lnt_record_t out;
    lnt_merge_t m;

    //  A winner from the same node supersedes: no conflict, nothing cleared
    lnt_change_t c = s_change (LNT_SECTION_OFFICE,
                               s_live (7, NODE_A, s_body_2));
    memset (&m, 0xA5, sizeof m);
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_WIN);
    CHECK (!m.conflict);
    CHECK (!m.clear);
    CHECK (s_same_section (&out.sec[0], &c.state));
    CHECK (s_same_section (&out.sec[1], &province));
    CHECK_STR (out.id, "3503-2026-000001");
    CHECK_STR (out.office, "3503");
    CHECK_INT (out.kind, LNT_KIND_SUGGESTION);

    //  A winner from another node: the displaced state is a conflict of
    //  its node, and the winner's node has none left
    c = s_change (LNT_SECTION_OFFICE, s_live (7, NODE_B, s_body_2));
    memset (&m, 0xA5, sizeof m);
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_WIN);
    CHECK (m.conflict);
    CHECK (s_same_section (&m.conflict_state, &rec.sec[0]));
    CHECK (m.clear);
    CHECK_INT (m.clear_node, NODE_B);
    CHECK (s_same_section (&out.sec[0], &c.state));
    CHECK (s_same_section (&out.sec[1], &province));

    //  The same version from a greater node wins
    c = s_change (LNT_SECTION_OFFICE, s_live (5, NODE_B, s_body_2));
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_WIN);
    CHECK (m.conflict);
    CHECK_INT (m.conflict_state.node, NODE_A);
    CHECK (m.clear);
    CHECK_INT (m.clear_node, NODE_B);

    //  The province section merges on its own
    c = s_change (LNT_SECTION_PROVINCE, s_live (3, NODE_B, s_body_1));
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_WIN); // 3 > 2, though the office is 5
    CHECK (s_same_section (&out.sec[0], &rec.sec[0]));
    CHECK (s_same_section (&out.sec[1], &c.state));
    CHECK (m.conflict);
    CHECK_INT (m.conflict_state.node, NODE_C);
    CHECK_INT (m.clear_node, NODE_B);
    c = s_change (LNT_SECTION_PROVINCE, s_live (1, NODE_C, s_body_1));
    lnt_merge_decide (&rec, &c, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_LOSE);
    CHECK (!m.conflict);
}

//  ---- tombstones ----------------------------------------------------------

static void
s_test_tombstones (void)
{
    lnt_record_t rec = s_record (s_live (5, NODE_A, s_body_1),
                                 (lnt_section_t){0});
    lnt_record_t out;
    lnt_merge_t m;

    //  A delete with a greater version wins
    lnt_change_t del = s_change (LNT_SECTION_OFFICE, s_tomb (6, NODE_A));
    lnt_merge_decide (&rec, &del, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_WIN);
    CHECK (out.sec[0].present);
    CHECK (out.sec[0].deleted);
    CHECK (out.sec[0].body == NULL);
    CHECK_INT (out.sec[0].body_len, 0);
    CHECK (!m.conflict);

    //  A delete with a smaller version loses
    lnt_change_t old_del = s_change (LNT_SECTION_OFFICE, s_tomb (4, NODE_A));
    lnt_merge_decide (&rec, &old_del, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_LOSE);

    //  The deleted record: an older live version replayed loses, so the
    //  record never comes back by replay
    lnt_record_t deleted = s_record (s_tomb (6, NODE_A), (lnt_section_t){0});
    lnt_change_t replay = s_change (LNT_SECTION_OFFICE,
                                    s_live (5, NODE_A, s_body_1));
    s_poison (&out);
    lnt_merge_decide (&deleted, &replay, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_LOSE);
    CHECK (!m.conflict); // the same node's history
    CHECK (s_poisoned (&out));
    //  ... nor the creation replayed
    replay = s_change (LNT_SECTION_OFFICE, s_live (1, NODE_A, s_body_2));
    lnt_merge_decide (&deleted, &replay, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_LOSE);
    //  ... nor the delete itself replayed
    lnt_merge_decide (&deleted, &del, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_DUP);
    //  An older live version of another node loses as a conflict
    replay = s_change (LNT_SECTION_OFFICE, s_live (5, NODE_B, s_body_2));
    lnt_merge_decide (&deleted, &replay, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_LOSE);
    CHECK (m.conflict);
    CHECK (!m.conflict_state.deleted);

    //  A delete from another node displaces the live state as a conflict
    del = s_change (LNT_SECTION_OFFICE, s_tomb (6, NODE_B));
    lnt_merge_decide (&rec, &del, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_WIN);
    CHECK (m.conflict);
    CHECK (s_same_section (&m.conflict_state, &rec.sec[0]));
    CHECK (m.clear);
    CHECK_INT (m.clear_node, NODE_B);
    CHECK (out.sec[0].deleted);

    //  Only a write newer than the delete makes a section live again
    lnt_change_t later = s_change (LNT_SECTION_OFFICE,
                                   s_live (7, NODE_A, s_body_3));
    lnt_merge_decide (&deleted, &later, &out, &m);
    CHECK_INT (m.verdict, LNT_MERGE_WIN);
    CHECK (!out.sec[0].deleted);
}

//  ---- order independence ----------------------------------------------------

//  A tiny in-memory store: one record and its conflicts, kept the way
//  lnt_replica keeps them (the greatest per node; cleared for the winner)
#define S_MAX_CONFLICTS 8

typedef struct {
    bool exists;                                /* a record is there       */
    lnt_record_t record;                        /* the record              */
    int conflicts;                              /* conflicts kept          */
    lnt_section_t conflict[S_MAX_CONFLICTS];    /* each, by node, section 0 */
} s_mem_t;

static void
s_mem_apply (s_mem_t *mem, const lnt_change_t *c)
{
    lnt_record_t next;
    lnt_merge_t m;
    lnt_merge_decide (mem->exists ? &mem->record : NULL, c, &next, &m);
    if (m.conflict) {
        int i = 0;
        while (i < mem->conflicts
               && mem->conflict[i].node != m.conflict_state.node)
            i++;
        if (i == mem->conflicts)
            mem->conflict[mem->conflicts++] = m.conflict_state;
        else if (lnt_merge_compare (&mem->conflict[i], &m.conflict_state) < 0)
            mem->conflict[i] = m.conflict_state;
    }
    if (m.clear)
        for (int i = 0; i < mem->conflicts; i++)
            if (mem->conflict[i].node == m.clear_node) {
                mem->conflict[i] = mem->conflict[--mem->conflicts];
                break;
            }
    if (m.verdict == LNT_MERGE_NEW || m.verdict == LNT_MERGE_WIN) {
        mem->record = next;
        mem->exists = true;
    }
}

//  The conflict of node, or NULL
static const lnt_section_t *
s_mem_conflict (const s_mem_t *mem, uint64_t node)
{
    for (int i = 0; i < mem->conflicts; i++)
        if (mem->conflict[i].node == node)
            return &mem->conflict[i];
    return NULL;
}

static void
s_test_permutations (void)
{
    //  Three nodes; equal versions across nodes; a tombstone; a duplicate
    lnt_change_t c[] = {
        s_change (LNT_SECTION_OFFICE, s_live (3, NODE_A, s_body_1)),
        s_change (LNT_SECTION_OFFICE, s_live (5, NODE_A, s_body_2)),
        s_change (LNT_SECTION_OFFICE, s_live (5, NODE_B, s_body_3)),
        s_change (LNT_SECTION_OFFICE, s_live (4, NODE_B, s_body_1)),
        s_change (LNT_SECTION_OFFICE, s_tomb (5, NODE_C)),
        s_change (LNT_SECTION_OFFICE, s_live (2, NODE_C, s_body_2)),
        s_change (LNT_SECTION_OFFICE, s_live (5, NODE_A, s_body_2)),
    };
    enum { N = sizeof c / sizeof c[0] };
    //  Every permutation of N, by Heap's algorithm
    int perm[N], count[N] = {0};
    for (int i = 0; i < N; i++)
        perm[i] = i;
    int orders = 0, good = 0;
    int i = 0;
    for (;;) {
        s_mem_t mem = {0};
        for (int k = 0; k < N; k++)
            s_mem_apply (&mem, &c[perm[k]]);
        //  The winner is (5, B); A's greatest is 5, C's greatest is 5
        const lnt_section_t *ca = s_mem_conflict (&mem, NODE_A);
        const lnt_section_t *cc = s_mem_conflict (&mem, NODE_C);
        bool ok = mem.exists && mem.record.sec[0].version == 5
                  && mem.record.sec[0].node == NODE_B
                  && mem.record.sec[0].body == s_body_3
                  && !mem.record.sec[1].present && mem.conflicts == 2 && ca
                  && ca->version == 5 && ca->body == s_body_2 && cc
                  && cc->version == 5 && cc->deleted
                  && !s_mem_conflict (&mem, NODE_B);
        orders++;
        good += ok;
        if (!ok && orders - good <= 3)
            fprintf (stderr, "order %d %d %d %d %d %d %d: winner (%llu, %llx),"
                     " %d conflicts\n", perm[0], perm[1], perm[2], perm[3],
                     perm[4], perm[5], perm[6],
                     (unsigned long long) mem.record.sec[0].version,
                     (unsigned long long) mem.record.sec[0].node,
                     mem.conflicts);
        //  Next permutation
        while (i < N && count[i] >= i) {
            count[i] = 0;
            i++;
        }
        if (i >= N)
            break;
        int j = i % 2 ? count[i] : 0;
        int t = perm[j];
        perm[j] = perm[i];
        perm[i] = t;
        count[i]++;
        i = 1;
    }
    CHECK_INT (orders, 5040);
    CHECK_INT (good, orders);
}

int
main (void)
{
    s_test_compare ();
    s_test_new ();
    s_test_dup ();
    s_test_lose ();
    s_test_win ();
    s_test_tombstones ();
    s_test_permutations ();
    return LNT_TEST_DONE ();
}
