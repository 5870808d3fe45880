/*  lnt_office.h - what regency staff do to their office's records:
    suggestions (saran), action-plan items (rencana aksi) and LKE answers.

    Each operation validates everything against the node's reference data
    and the record's current state, then writes in one durable transaction:
    the section, its change in the log, and for suggestions the private data
    that never replicates. A refused operation changes nothing and says why.
    The *_txn variants run inside a caller's write transaction (import puts
    a whole file in one); the others open their own.                      */
#ifndef LNT_OFFICE_H
#define LNT_OFFICE_H

#include "lnt_node.h"

/*  Adds a suggestion. The caller fills received, channel, class_,
    field_check, privacy, category, subject and text (the full text, also
    when confidential: it is moved to the private data), and p with the
    reporter's identity (p may be NULL). On success s holds the record as
    stored, with its tracking number in s->id.                            */
int lnt_office_suggestion_add (lnt_node_t *node, lnt_suggestion_t *s,
                               const lnt_private_t *p, lnt_why_t *why);
int lnt_office_suggestion_add_txn (lnt_node_t *node, lnt_txn_t *txn,
                                   lnt_suggestion_t *s, const lnt_private_t *p,
                                   lnt_why_t *why);

/*  lnt_office_suggestion_add_txn for a row that lnt_csv read, with no
    private data: category, subject and text must be fields of that row
    copied whole. lnt_csv refused the row unless every field passed
    lnt_utf8_valid, so that test is not run again (LNT_KNOWN_UTF8); every
    other check is, with the same messages.                               */
int lnt_office_suggestion_import_txn (lnt_node_t *node, lnt_txn_t *txn,
                                      lnt_suggestion_t *s, lnt_why_t *why);

/*  Reads a suggestion with its private data put back (p may be NULL).
    0, LNT_ENOTFOUND (why says so: no such id, or deleted and when) or a
    store error.                                                          */
int lnt_office_suggestion_get (lnt_node_t *node, lnt_txn_t *txn,
                               const char *id, lnt_suggestion_t *s,
                               lnt_private_t *p, lnt_why_t *why);

/*  Moves a suggestion to status, with a note; out receives the record.   */
int lnt_office_suggestion_move (lnt_node_t *node, const char *id,
                                lnt_status_t status, const char *note,
                                lnt_suggestion_t *out, lnt_why_t *why);

/*  Records the answer given to the citizen and moves an open suggestion to
    done.                                                                  */
int lnt_office_suggestion_respond (lnt_node_t *node, const char *id,
                                   const char *text, lnt_suggestion_t *out,
                                   lnt_why_t *why);

/*  Adds an action-plan item. The caller fills everything but id, office
    and updated; status is normally planned (import may bring others).   */
int lnt_office_rb_add (lnt_node_t *node, lnt_rb_item_t *r, lnt_why_t *why);
int lnt_office_rb_add_txn (lnt_node_t *node, lnt_txn_t *txn, lnt_rb_item_t *r,
                           lnt_why_t *why);

/*  What rb update changes: each has_* says whether to set that field.    */
typedef struct {
    bool has_realisation;        /* set realisation                        */
    int64_t realisation;         /* new realisation, thousandths           */
    bool has_status;             /* set status                             */
    lnt_rb_status_t status;      /* new status (transitions apply)         */
    const char *evidence;        /* new evidence, or NULL                  */
    bool has_due;                /* set due                                */
    int32_t due;                 /* new due date                           */
    const char *person;          /* new person in charge, or NULL          */
} lnt_rb_patch_t;

int lnt_office_rb_update (lnt_node_t *node, const char *id,
                          const lnt_rb_patch_t *patch, lnt_rb_item_t *out,
                          lnt_why_t *why);

/*  Reads an action-plan item. 0, LNT_ENOTFOUND (no such id, or deleted)
    or a store error.                                                      */
int lnt_office_rb_get (lnt_txn_t *txn, const char *id, lnt_rb_item_t *r,
                       lnt_why_t *why);

/*  Records (or replaces) the office's answer to an LKE item. The caller
    fills year, item, answer, justification and evidence, and instrument
    ("" for the one lnt_ref_instrument_for gives: the hub's assignment of
    the office-year, else the default). id, office and answered are set
    here.                                                                  */
int lnt_office_lke_answer (lnt_node_t *node, lnt_lke_answer_t *a,
                           lnt_why_t *why);
int lnt_office_lke_answer_txn (lnt_node_t *node, lnt_txn_t *txn,
                               lnt_lke_answer_t *a, lnt_why_t *why);

/*  Deletes (hapus) a record staff entered by mistake, such as a duplicate
    or a test entry: writes a tombstone of its office section (DESIGN
    section 4) with a new version, which replicates to the hub like any
    change. A deleted record is left out of listings, export and rollups,
    never comes back by replay, and cannot be changed or deleted again;
    any status may be deleted. For a suggestion, its private data (the
    reporter's name and contact, a confidential text) is removed in the
    same transaction. An LKE answer is named by year and item; answering
    the item again after its delete writes a new answer with a greater
    version. An assessor's verdict, if any, stays in the record's province
    section (only the hub writes it). A store restored from a backup made
    before the delete gets the tombstone back from the hub, and applying
    it (lnt_uplink.c) removes the private data the backup still held.
    out receives the record as it was (not NULL). Returns 0, or:
    LNT_ENOTFOUND no such record, or deleted already (why says which, and
    when); LNT_EINVAL (lke) a year or item that cannot name an answer; or
    a store error. A refused delete changes nothing.                     */
int lnt_office_suggestion_delete (lnt_node_t *node, const char *id,
                                  lnt_suggestion_t *out, lnt_why_t *why);
int lnt_office_rb_delete (lnt_node_t *node, const char *id,
                          lnt_rb_item_t *out, lnt_why_t *why);
int lnt_office_lke_delete (lnt_node_t *node, int year, const char *item,
                           lnt_lke_answer_t *out, lnt_why_t *why);

/*  Calls fn for every record of kind, in id order, until fn returns
    non-zero (which is returned). The record borrows from txn.            */
typedef int (lnt_office_each_fn) (const lnt_record_t *record, void *arg);
int lnt_office_each (lnt_txn_t *txn, uint8_t kind, lnt_office_each_fn *fn,
                     void *arg);

#endif
