// SPDX-License-Identifier: ISC
/* history.c: the SQLite measurement history (see history.h): opening,
 * creating and migrating it.  Writing a cycle is history_store.c's,
 * reading history_query.c's. */
#include "history_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Schema versions, applied in order; version N is migrations[N-1]. */
static const char *const migrations[] = {
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  start INTEGER NOT NULL,"
	"  end INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('ok','failed',"
	"'interrupted')),"
	"  error TEXT,"
	"  targets INTEGER, observations INTEGER, probes INTEGER,"
	"  capture_dropped INTEGER,"
	"  version TEXT,"
	"  summary BLOB, summary_size INTEGER);"
	"CREATE INDEX runs_start ON runs(start);"
	"CREATE TABLE transit_stats ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  transit TEXT NOT NULL, defined INTEGER NOT NULL, color TEXT,"
	"  targets INTEGER, reached INTEGER,"
	"  rtt_median REAL, rtt_p10 REAL, rtt_p90 REAL, rtt_lo REAL,"
	"  rtt_hi REAL, jitter REAL,"
	"  sent INTEGER, lost INTEGER, loss REAL, loss_lo REAL, loss_hi REAL,"
	"  border_addr TEXT, border_rtt REAL, hops REAL, ratelimit INTEGER,"
	"  PRIMARY KEY (run, transit));"
	"CREATE TABLE prefix_stats ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  prefix TEXT NOT NULL, transit TEXT NOT NULL,"
	"  defined INTEGER NOT NULL, carrier INTEGER, share REAL,"
	"  targets INTEGER, reached INTEGER,"
	"  rtt_median REAL, rtt_p90 REAL, rtt_lo REAL, rtt_hi REAL,"
	"  sent INTEGER, lost INTEGER, loss REAL, loss_lo REAL, loss_hi REAL,"
	"  border_addr TEXT, border_rtt REAL,"
	"  PRIMARY KEY (run, prefix, transit));"
	"CREATE TABLE traces ("
	"  run INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
	"  count INTEGER NOT NULL,"
	"  format TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  data BLOB NOT NULL);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  run INTEGER REFERENCES runs(id) ON DELETE CASCADE,"
	"  time INTEGER NOT NULL, kind TEXT NOT NULL, prefix TEXT,"
	"  transit TEXT, message TEXT NOT NULL, detail TEXT);"
	"CREATE INDEX events_time ON events(time);",
	/* 2: each transit's hosts, for detection over the same hosts. */
	"CREATE TABLE host_stats ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  transit TEXT NOT NULL, prefix TEXT NOT NULL, addr TEXT NOT NULL,"
	"  sent INTEGER, lost INTEGER, rtt_median REAL,"
	"  PRIMARY KEY (run, transit, addr));",
	/* 3: the hosts discovery found, kept across processes (cron). */
	"CREATE TABLE discovered ("
	"  time INTEGER NOT NULL, addr TEXT NOT NULL,"
	"  PRIMARY KEY (time, addr));",
	/* 4: the border hop's distance, so that a border hidden by loss is
	 * not taken for a new one. */
	"ALTER TABLE prefix_stats ADD COLUMN border_hop INTEGER;",
	/* 5: cycles made by `import --db` from results measured elsewhere
	 * (runs.source 'import'), and each result's key, so that importing
	 * it again adds nothing. */
	"ALTER TABLE runs ADD COLUMN source TEXT;"
	"CREATE TABLE imported ("
	"  key TEXT PRIMARY KEY,"
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE);"
	"CREATE INDEX imported_run ON imported(run);",
	/* 6: `run --atlas`: how far each followed measurement was fetched */
	"CREATE TABLE atlas_follow ("
	"  msm INTEGER PRIMARY KEY,"
	"  last INTEGER NOT NULL,"
	"  fetched INTEGER NOT NULL);",
	/* 7: counts that only grow (cycles stored by status, events by
	 * kind), kept apart from the rows --keep deletes: Prometheus's
	 * _total counters.  Started from what the history holds. */
	"CREATE TABLE totals ("
	"  what TEXT PRIMARY KEY,"
	"  n INTEGER NOT NULL);"
	"INSERT INTO totals SELECT 'runs ' || status, count(*) FROM runs "
	"GROUP BY status;"
	"INSERT INTO totals SELECT 'events ' || kind, count(*) FROM events "
	"GROUP BY kind;",
	/* 8: vantage points per /24, transit and probe country (cycles of
	 * imported or followed results), and the Atlas probes' metadata. */
	"CREATE TABLE vantage_stats ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  prefix TEXT NOT NULL, transit TEXT NOT NULL, country TEXT NOT NULL,"
	"  vantage_points INTEGER NOT NULL,"
	"  PRIMARY KEY (run, prefix, transit, country));"
	"CREATE TABLE probes ("
	"  id INTEGER PRIMARY KEY,"
	"  country TEXT, asn INTEGER,"
	"  fetched INTEGER NOT NULL);",
	/* 9: the /24s routing had no route to in a cycle (not probed: a
	 * measured outcome, a withdrawn route) */
	"CREATE TABLE unrouted ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  prefix TEXT NOT NULL,"
	"  PRIMARY KEY (run, prefix));",
	/* 10: the control plane (`nktrace bgp --db`): each prefix's
	 * transits and their collector peers at a time, and the MRT files
	 * already read. */
	"CREATE TABLE bgp_state ("
	"  time INTEGER NOT NULL, prefix TEXT NOT NULL,"
	"  transit TEXT NOT NULL, asns TEXT NOT NULL,"
	"  peers INTEGER NOT NULL, total INTEGER NOT NULL, since INTEGER,"
	"  PRIMARY KEY (time, prefix, transit));"
	"CREATE TABLE bgp_files ("
	"  key TEXT PRIMARY KEY, time INTEGER NOT NULL);",
	/* 11: a host per vantage point that measured it (imported and
	 * followed results): detection pairs each (host, vantage point)
	 * with itself from cycle to cycle; a probing run's own is ''. */
	"CREATE TABLE host_stats_v ("
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  transit TEXT NOT NULL, prefix TEXT NOT NULL, addr TEXT NOT NULL,"
	"  vantage TEXT NOT NULL DEFAULT '',"
	"  sent INTEGER, lost INTEGER, rtt_median REAL,"
	"  PRIMARY KEY (run, transit, addr, vantage));"
	"INSERT OR IGNORE INTO host_stats_v (run, transit, prefix, addr,"
	"  vantage, sent,"
	"  lost, rtt_median) SELECT run, transit, prefix, addr, '', sent,"
	"  lost, rtt_median FROM host_stats;"
	"DROP TABLE host_stats;"
	"ALTER TABLE host_stats_v RENAME TO host_stats;",
};

int nkt__hist_fail(struct nkt_history *h, struct nkt_err *err,
		   const char *what)
{
	return nkt_err_set(err, NKT_ESYS, "history: %s: %s", what,
			   sqlite3_errmsg(h->db));
}

int nkt__hist_exec(struct nkt_history *h, const char *sql,
		   struct nkt_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(h->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		nkt_err_set(err, NKT_ESYS, "history: %s",
			    msg ? msg : sqlite3_errmsg(h->db));
		sqlite3_free(msg);
		return NKT_ESYS;
	}
	return NKT_OK;
}

void nkt__hist_bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

void nkt__hist_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

double nkt__hist_col_real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? NAN
		       : sqlite3_column_double(st, i);
}

void nkt__hist_col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	/* what a history holds may come from anyone */
	nkt_text_clean((const char *)sqlite3_column_text(st, i), buf, len, 0);
}

static int user_version(struct nkt_history *h)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct nkt_history *h, const char *path,
		   struct nkt_err *err)
{
	int v = user_version(h), target = (int)NKT_ARRAY_LEN(migrations);
	sqlite3_stmt *st;
	int tables = 0;

	if (v < 0)
		return nkt_err_set(err, NKT_EINVAL,
				   "%s is not an SQLite database", path);
	if (v > target)
		return nkt_err_set(err, NKT_EINVAL,
				   "%s has history schema %d; this nktrace "
				   "knows up to %d",
				   path, v, target);
	if (v == 0) {
		/* A new file, or someone else's database. */
		if (sqlite3_prepare_v2(h->db,
				       "SELECT count(*) FROM sqlite_master",
				       -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			tables = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (tables > 0)
			return nkt_err_set(err, NKT_EINVAL,
					   "%s is an SQLite database, but not "
					   "an nktrace history",
					   path);
	}
	for (; v < target; v++) {
		char pragma[48];
		if (nkt__hist_exec(h, "BEGIN IMMEDIATE", err) != NKT_OK)
			return NKT_ESYS;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			 v + 1);
		if (nkt__hist_exec(h, migrations[v], err) != NKT_OK ||
		    nkt__hist_exec(h, pragma, err) != NKT_OK) {
			nkt__hist_exec(h, "ROLLBACK", NULL);
			return NKT_ESYS;
		}
		if (nkt__hist_exec(h, "COMMIT", err) != NKT_OK)
			return NKT_ESYS;
	}
	return NKT_OK;
}

/*
 * One writer at a time: a writer (run, import --db, run --atlas) holds an
 * exclusive flock on the history file for as long as it has it open; a
 * second writer from another process is refused at once with one line
 * (two runs at once would share the routers' ICMP budgets and see loss
 * that is not there).  Connections of one process to one file share the
 * lock (run --atlas opens the history again for each cycle's store).
 * Readers take no lock.  flock is apart from SQLite's own POSIX locks.
 */
static struct held_lock {
	dev_t dev;
	ino_t ino;
	int fd, refs;
} held[16];

static int lock_writer(struct nkt_history *h, const char *path,
		       struct nkt_err *err)
{
	struct stat st;
	size_t i, free_slot = NKT_ARRAY_LEN(held);
	int fd;

	if (stat(path, &st) != 0)
		return nkt_err_set(err, NKT_ESYS, "cannot open history %s: %s",
				   path, strerror(errno));
	for (i = 0; i < NKT_ARRAY_LEN(held); i++) {
		if (held[i].refs > 0 && held[i].dev == st.st_dev &&
		    held[i].ino == st.st_ino) {
			held[i].refs++;
			goto mine;
		}
		if (held[i].refs == 0 && free_slot == NKT_ARRAY_LEN(held))
			free_slot = i;
	}
	if (free_slot == NKT_ARRAY_LEN(held))
		return nkt_err_set(err, NKT_ESYS, "too many histories open");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nkt_err_set(err, NKT_ESYS, "cannot open history %s: %s",
				   path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return nkt_err_set(err, NKT_EINVAL,
					   "history %s is being written by "
					   "another nktrace (run, run --atlas "
					   "or import --db): one writer at a "
					   "time",
					   path);
		return nkt_err_set(err, NKT_ESYS, "locking history %s: %s",
				   path, strerror(e));
	}
	held[free_slot] = (struct held_lock){st.st_dev, st.st_ino, fd, 1};
mine:
	h->writer = 1;
	h->dev = st.st_dev;
	h->ino = st.st_ino;
	return NKT_OK;
}

static void unlock_writer(struct nkt_history *h)
{
	size_t i;
	if (!h->writer)
		return;
	for (i = 0; i < NKT_ARRAY_LEN(held); i++)
		if (held[i].refs > 0 && held[i].dev == h->dev &&
		    held[i].ino == h->ino && --held[i].refs == 0)
			close(held[i].fd); /* releases the flock */
	h->writer = 0;
}

/* Whether this process may write a file and the directory it is in (so
 * that side files it makes there are removed by it). */
static int writable(const char *path)
{
	char *dir = nkt_xstrdup(path), *slash = strrchr(dir, '/');
	int ok;
	if (slash == NULL)
		snprintf(dir, strlen(dir) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	ok = access(path, W_OK) == 0 && access(dir, W_OK | X_OK) == 0;
	free(dir);
	return ok;
}

/* Open read-only, making no side file: through the writer's -wal and
 * -shm when they are there, else the file as it is (immutable). */
static int open_ro(struct nkt_history *h, const char *path)
{
	char wal[PATH_MAX + 8], *uri;
	size_t i, o = 0, n = strlen(path);
	int rc;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	uri = nkt_xmalloc(3 * n + 40);
	o = (size_t)sprintf(uri, "file:");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c == '%' || c == '?' || c == '#' || c < 0x21 || c > 0x7e)
			o += (size_t)sprintf(uri + o, "%%%02X", c);
		else
			uri[o++] = (char)c;
	}
	snprintf(uri + o, 3 * n + 40 - o, "?mode=ro%s",
		 access(wal, F_OK) == 0 ? "" : "&immutable=1");
	rc = sqlite3_open_v2(uri, &h->db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	free(uri);
	return rc;
}

/* The history copied into memory (an older schema, to be migrated there
 * and read; the file is not touched). */
static int to_memory(struct nkt_history *h, struct nkt_err *err)
{
	sqlite3 *mem = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(":memory:", &mem,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		sqlite3_close(mem);
		return nkt_err_set(err, NKT_ESYS, "history: out of memory");
	}
	b = sqlite3_backup_init(mem, "main", h->db, "main");
	rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		nkt_err_set(err, NKT_ESYS, "history: reading it: %s",
			    sqlite3_errmsg(mem));
		sqlite3_close(mem);
		return NKT_ESYS;
	}
	sqlite3_close(h->db);
	h->db = mem;
	return nkt__hist_exec(h, "PRAGMA foreign_keys = ON", err);
}

struct nkt_history *nkt_history_open(const char *path, int readonly,
				     struct nkt_err *err)
{
	struct nkt_history *h = nkt_xcalloc(1, sizeof(*h));
	struct stat st;
	int rc;

	if (readonly && stat(path, &st) != 0) {
		nkt_err_set(err, NKT_EINVAL, "cannot open history %s: %s", path,
			    strerror(errno));
		goto fail;
	}
	/*
	 * A reader opens read-write when it may write the file and its
	 * directory (never creating the file) and sets query_only: then the
	 * last connection to close removes the -wal and -shm files instead
	 * of leaving them behind owned by whoever read last, where the next
	 * `run` (another user) could not write them.  A reader who may not
	 * never makes a side file: with a writer at work (its -wal there) it
	 * reads through the writer's files, read-only; without one, the
	 * file as it is (immutable: no -shm made in a directory that is not
	 * its own).
	 */
	if (readonly && !writable(path))
		rc = open_ro(h, path);
	else
		rc = sqlite3_open_v2(path, &h->db,
				     (readonly ? SQLITE_OPEN_READWRITE
					       : SQLITE_OPEN_READWRITE |
							 SQLITE_OPEN_CREATE) |
					     SQLITE_OPEN_NOMUTEX,
				     NULL);
	if (rc != SQLITE_OK) {
		nkt_err_set(err, readonly ? NKT_EINVAL : NKT_ESYS,
			    "cannot open history %s: %s", path,
			    h->db ? sqlite3_errmsg(h->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(h->db, 10000);
	if (nkt__hist_exec(h, "PRAGMA foreign_keys = ON", err) != NKT_OK)
		goto fail;
	if (readonly) {
		int v = user_version(h);
		if (v < 0) {
			int code = sqlite3_errcode(h->db);
			if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
				nkt_err_set(err, NKT_EINVAL,
					    "%s is not an nktrace history (not "
					    "an SQLite database)",
					    path);
			else
				nkt_err_set(err, NKT_EINVAL,
					    "cannot read history %s: %s", path,
					    sqlite3_errmsg(h->db));
			goto fail;
		}
		if (v > (int)NKT_ARRAY_LEN(migrations)) {
			nkt_err_set(err, NKT_EINVAL,
				    "%s has history schema %d; this nktrace "
				    "reads up to %d",
				    path, v, (int)NKT_ARRAY_LEN(migrations));
			goto fail;
		}
		if (v < 1) {
			nkt_err_set(err, NKT_EINVAL,
				    "%s is not an nktrace history", path);
			goto fail;
		}
		/* An older schema is read as it is: copied into memory and
		 * brought up to date there, the file untouched. */
		if (v < (int)NKT_ARRAY_LEN(migrations) &&
		    (to_memory(h, err) != NKT_OK || migrate(h, path, err) !=
							     NKT_OK))
			goto fail;
		if (nkt__hist_exec(h, "PRAGMA query_only = ON", err) != NKT_OK)
			goto fail;
		return h;
	}
	/* WAL: readers never block the writer and never see a cycle half
	 * written; NORMAL sync is safe against process crashes. */
	if (nkt__hist_exec(h, "PRAGMA journal_mode = WAL", err) != NKT_OK) {
		int code = sqlite3_errcode(h->db);
		if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
			nkt_err_set(err, NKT_EINVAL,
				    "%s is not an SQLite database", path);
		else if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
			 code == SQLITE_PERM) {
			struct passwd *pw = getpwuid(geteuid());
			nkt_err_set(err, NKT_ESYS,
				    "cannot write history %s as user %s "
				    "(choose the user with --user, or the "
				    "file's owner)",
				    path, pw ? pw->pw_name : "?");
		}
		goto fail;
	}
	if (sqlite3_db_readonly(h->db, "main") == 1) {
		struct passwd *pw = getpwuid(geteuid());
		nkt_err_set(err, NKT_ESYS,
			    "cannot write history %s as user %s (choose the "
			    "user with --user, or the file's owner)",
			    path, pw ? pw->pw_name : "?");
		goto fail;
	}
	if (lock_writer(h, path, err) != NKT_OK ||
	    nkt__hist_exec(h, "PRAGMA synchronous = NORMAL", err) != NKT_OK ||
	    migrate(h, path, err) != NKT_OK)
		goto fail;
	return h;
fail:
	nkt_history_close(h);
	return NULL;
}

void nkt_history_close(struct nkt_history *h)
{
	if (h == NULL)
		return;
	sqlite3_finalize(h->has_key);
	sqlite3_close(h->db);
	unlock_writer(h);
	free(h);
}
