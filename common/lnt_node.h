/*  lnt_node.h - a node's records over its store: identity, reference data,
    the hybrid clock, and writes that append to the replication log.

    A node is an office's agent or a province's hub. Its store holds who it
    is (role, office or province code, node id), the reference data it
    validates against, its records and its log. lnt_node_write_section is
    the one way a section changes: in the caller's write transaction it
    ticks the clock, stores the record's new state and appends the change
    to the log under the next sequence number, so record, log and clock
    always agree.

    The node id is also the store's incarnation: a random 64-bit id made
    when the store is created, and made anew when a restored store must not
    be mistaken for the one it was copied from (DESIGN section 5).         */
#ifndef LNT_NODE_H
#define LNT_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "lnt_clock.h"
#include "lnt_codec.h"
#include "lnt_error.h"
#include "lnt_record.h"
#include "lnt_ref.h"
#include "lnt_store.h"

typedef enum {
    LNT_ROLE_AGENT, /* a regency or city office                            */
    LNT_ROLE_HUB    /* a provincial office                                  */
} lnt_role_t;

typedef struct lnt_node_t lnt_node_t;

/*  Creates the store in dir for a node of role and code (an office code
    from the office list for an agent, a province code for a hub), with the
    reference data read from ref_dir. map_size 0 means the default.
    Returns 0, or: LNT_EEXIST a store is already there (nothing changed);
    LNT_ECANTCREAT the folder cannot be made; LNT_EINVAL a bad code or bad
    reference file (why says which); LNT_EIO a file cannot be read.        */
int lnt_node_init (const char *dir, lnt_role_t role, const char *code,
                   const char *ref_dir, size_t map_size, lnt_why_t *why);

/*  Opens the node in dir. flags as lnt_store_open (LNT_STORE_READONLY).
    Returns 0, or LNT_EUNAVAIL no store there, LNT_EINVAL the store is
    not a lontar store or holds bad reference data, LNT_ESTORE.           */
int lnt_node_open (const char *dir, int flags, lnt_node_t **node,
                   lnt_why_t *why);
void lnt_node_destroy (lnt_node_t **self_p);

lnt_role_t lnt_node_role (const lnt_node_t *self);
/*  The office (agent) or province (hub) code; borrowed.                   */
const char *lnt_node_code (const lnt_node_t *self);
uint64_t lnt_node_id (const lnt_node_t *self);
const lnt_ref_t *lnt_node_ref (const lnt_node_t *self);

/*  For a hub: the office of code when it is one of the hub's province
    (the node's code); NULL when it is not, or not an office at all.      */
const lnt_ref_office_t *lnt_node_province_office (const lnt_node_t *self,
                                                  const char *code);
lnt_store_t *lnt_node_store (lnt_node_t *self);

/*  Loads again every reference part the store holds (after the hub sent
    new ones down) into a fresh set that replaces the node's only when it
    loaded whole and lnt_ref_complete holds; pointers from lnt_node_ref
    are then stale. Notes the store's "ref_version" (meta) it loaded at.
    0, or LNT_EINVAL with why (the node keeps what it had), LNT_ENOMEM.   */
int lnt_node_load_ref (lnt_node_t *self, lnt_txn_t *txn, lnt_why_t *why);

/*  Loads every reference part the store holds in txn into ref, in the
    store's key order, leaving out the part named skip (may be NULL).
    Does not check lnt_ref_complete. 0, or LNT_EINVAL with why, or a
    store error; ref may hold some of the parts then.                    */
int lnt_node_read_ref (lnt_txn_t *txn, lnt_ref_t *ref, const char *skip,
                       lnt_why_t *why);

/*  Reloads (lnt_node_load_ref) when the store's "ref_version" differs
    from the one the node loaded at: another process changed reference
    parts. *reloaded (may be NULL) says whether it did. 0 or as
    lnt_node_load_ref; after a failure the node keeps its data and does
    not try that version again.                                           */
int lnt_node_refresh_ref (lnt_node_t *self, lnt_txn_t *txn, bool *reloaded,
                          lnt_why_t *why);

/*  Moves the store's "ref_version" on, in txn (a write transaction that
    changes LNT_DB_REF), so that every process holding the node reloads.
    *version (may be NULL) is the new value. 0 or a store error.          */
int lnt_node_ref_changed (lnt_txn_t *txn, uint64_t *version);

/*  Replaces the wall clock, for tests of a clock that jumps.              */
void lnt_node_set_clock_source (lnt_node_t *self, lnt_clock_source_fn *fn,
                                void *arg);

/*  The node's buffer for a caller to encode a section body into before
    lnt_node_write_section (which never touches it), emptied: a write no
    longer allocates and frees a buffer of its own. Owned by the node,
    valid until the next call or lnt_node_destroy; one thread at a time,
    as for the node itself.                                               */
lnt_buf_t *lnt_node_body_buf (lnt_node_t *self);

/*  Writes one section of a record in txn (see above). body is the
    encoded body (ignored when deleted). Returns 0 and sets *seq to the
    change's sequence number (seq may be NULL), or a store error.         */
int lnt_node_write_section (lnt_node_t *self, lnt_txn_t *txn, uint8_t kind,
                            const char *id, const char *office, int section,
                            const void *body, size_t len, bool deleted,
                            uint64_t *seq);

/*  Reads a record. 0, LNT_ENOTFOUND, or LNT_EINVAL if it does not decode.
    The record borrows from txn.                                            */
int lnt_node_get (lnt_txn_t *txn, uint8_t kind, const char *id,
                  lnt_record_t *record, lnt_why_t *why);

/*  Builds the key of a record in LNT_DB_RECORDS: the kind byte and the id.
    key holds LNT_ID_MAX + 2 bytes; returns the key's length.             */
size_t lnt_node_key (uint8_t kind, const char *id, char *key);

/*  The number a new record of kind takes after prefix (a suggestion's
    "3503-2026-", an action-plan item's "3503-RB-2026-"), its ids' numbers
    padded to width digits: 1 past the greatest number among the records
    (1 first). It is read from the records, not kept in a counter: a write
    touches no counter page, and records that came back from the hub move
    it on by being there. The number is taken when its record is written
    (lnt_node_write_section); asking again before that gives it again.
    0, LNT_EINVAL (a prefix too long) or a store error.                   */
int lnt_node_next_number (lnt_node_t *self, lnt_txn_t *txn, uint8_t kind,
                          const char *prefix, int width, uint64_t *n);

/*  Takes a new node id (incarnation) in txn, for a store that went back in
    time. With relog, also empties the log and appends again, from sequence
    1, the current state of every section this node writes (office
    sections of its office for an agent, province sections for a hub),
    each with the stamp it has. *new_id is the new id: give it to
    lnt_node_set_id once txn has committed. 0 or a store error.           */
int lnt_node_reincarnate (lnt_node_t *self, lnt_txn_t *txn, bool relog,
                          uint64_t *new_id);

/*  Sets the node id this object writes with (after a reincarnation).    */
void lnt_node_set_id (lnt_node_t *self, uint64_t id);

/*  True while an office's store that was restored (or copied) waits for
    its records to come back from the hub; staff must not write then.    */
bool lnt_node_restoring (lnt_txn_t *txn);

/*  Marks the store as restoring (on) or done (off). 0 or a store error.   */
int lnt_node_set_restoring (lnt_txn_t *txn, bool on);

/*  The sequence number of the last change in the log (0: none).          */
uint64_t lnt_node_log_head (lnt_txn_t *txn);

/*  The node's clock: the greater of the last version it wrote (the log's
    last entry) and the last it saw from others ("clock" in meta).        */
uint64_t lnt_node_clock (lnt_txn_t *txn);

#endif
