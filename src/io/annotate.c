// SPDX-License-Identifier: ISC
/*
 * annotate.c: libmaxminddb lookups with a cache (see annotate.h).  Opens
 * files at nkt_annot_open(); lookups read the mmap'd databases only.
 */
#include "nktrace/datafile.h"
#include "nktrace/annotate.h"
#include "nktrace/inet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_MAX (1u << 21)

struct db {
	MMDB_s mmdb;
	int open;
	char path[PATH_MAX];
	char type[96];
};

struct cache_ent {
	uint8_t key[16];
	uint8_t used;
	struct nkt_annot a;
};

struct nkt_annotator {
	struct db asn, geo;
	struct db asn_all; /* the full ASN table, asked for what asn does
			      not know (default databases only) */
	struct db *geo_db; /* &geo, or &asn when one file holds both */
	struct cache_ent *cache;
	size_t cache_cap, cache_len;
	char **strs;
	size_t strs_cap, strs_len;
	uint64_t lookups, hits, errors;
};

static int role_ok(const char *type, int asn_role)
{
	if (strstr(type, "nktrace") != NULL)
		return 1;
	if (asn_role)
		return strstr(type, "ASN") != NULL ||
		       strstr(type, "ISP") != NULL;
	return strstr(type, "City") != NULL ||
	       strstr(type, "Country") != NULL ||
	       strstr(type, "Enterprise") != NULL;
}

static int open_db(struct db *d, const char *path, int asn_role,
		   struct nkt_err *err)
{
	struct stat st;
	int rc;

	snprintf(d->path, sizeof(d->path), "%s", path);
	if (stat(path, &st) != 0)
		return nkt_err_set(err, NKT_EINVAL, "cannot open %s: %s", path,
				   strerror(errno));
	if (!S_ISREG(st.st_mode))
		return nkt_err_set(err, NKT_EINVAL, "%s is not a file", path);
	rc = MMDB_open(path, MMDB_MODE_MMAP, &d->mmdb);
	if (rc != MMDB_SUCCESS) {
		if (rc == MMDB_INVALID_METADATA_ERROR ||
		    rc == MMDB_UNKNOWN_DATABASE_FORMAT_ERROR ||
		    rc == MMDB_INVALID_DATA_ERROR)
			return nkt_err_set(err, NKT_EINVAL,
					   "%s is not a MaxMind DB file, or "
					   "it is truncated (%s)",
					   path, MMDB_strerror(rc));
		return nkt_err_set(err, NKT_EINVAL, "cannot open %s: %s", path,
				   MMDB_strerror(rc));
	}
	d->open = 1;
	snprintf(d->type, sizeof(d->type), "%s",
		 d->mmdb.metadata.database_type ? d->mmdb.metadata.database_type
						: "");
	if (!role_ok(d->type, asn_role)) {
		nkt_err_set(err, NKT_EINVAL,
			    "%s is a '%s' database, not %s", path, d->type,
			    asn_role ? "an ASN database (GeoLite2-ASN format)"
				     : "a geo database (GeoLite2-City or "
				       "-Country format)");
		MMDB_close(&d->mmdb);
		d->open = 0;
		return NKT_EINVAL;
	}
	return NKT_OK;
}

/* The first file of the list that exists, or NULL. */
static const char *search(const char *const *paths, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (paths[i] != NULL && access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

struct nkt_annotator *nkt_annot_open(const char *asn_db, const char *geo_db,
				     struct nkt_err *err)
{
	struct nkt_annotator *a = nkt_xcalloc(1, sizeof(*a));
	char dir[PATH_MAX], builtin[PATH_MAX + 16];
	const char *asn_paths[] = {builtin, "/usr/share/GeoIP/GeoLite2-ASN.mmdb",
				   "/var/lib/GeoIP/GeoLite2-ASN.mmdb"};
	const char *geo_paths[] = {builtin,
				   "/usr/share/GeoIP/GeoLite2-City.mmdb",
				   "/var/lib/GeoIP/GeoLite2-City.mmdb",
				   "/usr/share/GeoIP/GeoLite2-Country.mmdb",
				   "/var/lib/GeoIP/GeoLite2-Country.mmdb"};

	snprintf(builtin, sizeof(builtin), "%s/nktrace.mmdb",
		 nkt_data_dir(dir, sizeof(dir)));
	if (asn_db == NULL) {
		/* The full ASN table (tools/mkdb --asn-full), beside the
		 * built-in database: asked for what that does not know.  A
		 * broken one is left unused, not an error: the built-in
		 * database still answers. */
		char all[PATH_MAX + 32];
		struct nkt_err ignore = {0, ""};
		snprintf(all, sizeof(all), "%s/nktrace-asn.mmdb", dir);
		if (access(all, R_OK) == 0)
			(void)open_db(&a->asn_all, all, 1, &ignore);
		asn_db = search(asn_paths, NKT_ARRAY_LEN(asn_paths));
	}
	if (geo_db == NULL)
		geo_db = search(geo_paths, NKT_ARRAY_LEN(geo_paths));
	if (asn_db != NULL && open_db(&a->asn, asn_db, 1, err) != NKT_OK)
		goto fail;
	if (geo_db != NULL && a->asn.open && strcmp(geo_db, asn_db) == 0 &&
	    role_ok(a->asn.type, 0))
		a->geo_db = &a->asn;
	else if (geo_db != NULL) {
		if (open_db(&a->geo, geo_db, 0, err) != NKT_OK)
			goto fail;
		a->geo_db = &a->geo;
	}
	a->cache_cap = 1024;
	a->cache = nkt_xcalloc(a->cache_cap, sizeof(*a->cache));
	return a;
fail:
	nkt_annot_close(a);
	return NULL;
}

void nkt_annot_close(struct nkt_annotator *a)
{
	size_t i;
	if (a == NULL)
		return;
	if (a->asn.open)
		MMDB_close(&a->asn.mmdb);
	if (a->geo.open)
		MMDB_close(&a->geo.mmdb);
	if (a->asn_all.open)
		MMDB_close(&a->asn_all.mmdb);
	for (i = 0; i < a->strs_cap; i++)
		free(a->strs[i]);
	free(a->strs);
	free(a->cache);
	free(a);
}

const char *nkt_annot_asn_path(const struct nkt_annotator *a)
{
	return a->asn.open ? a->asn.path : "";
}

const char *nkt_annot_asn_all_path(const struct nkt_annotator *a)
{
	return a->asn_all.open ? a->asn_all.path : "";
}

const char *nkt_annot_geo_path(const struct nkt_annotator *a)
{
	return a->geo_db != NULL ? a->geo_db->path : "";
}

void nkt_annot_counts(const struct nkt_annotator *a, uint64_t *lookups,
		      uint64_t *cache_hits, uint64_t *errors)
{
	*lookups = a->lookups;
	*cache_hits = a->hits;
	*errors = a->errors;
}

static uint64_t hash16(const uint8_t *k)
{
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < 16; i++) {
		h ^= k[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 31);
}

/* Interned copy of a string of len bytes (not NUL-terminated). */
static const char *intern(struct nkt_annotator *a, const char *s, size_t len)
{
	size_t i, h = 5381;

	for (i = 0; i < len; i++)
		h = h * 33 + (unsigned char)s[i];
	if (a->strs_len * 2 >= a->strs_cap) {
		size_t ncap = a->strs_cap ? a->strs_cap * 2 : 256;
		char **ns = nkt_xcalloc(ncap, sizeof(*ns));
		for (i = 0; i < a->strs_cap; i++) {
			size_t j, hh = 5381;
			const char *p;
			if (a->strs[i] == NULL)
				continue;
			for (p = a->strs[i]; *p; p++)
				hh = hh * 33 + (unsigned char)*p;
			for (j = hh & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
				;
			ns[j] = a->strs[i];
		}
		free(a->strs);
		a->strs = ns;
		a->strs_cap = ncap;
	}
	for (i = h & (a->strs_cap - 1); a->strs[i];
	     i = (i + 1) & (a->strs_cap - 1))
		if (strncmp(a->strs[i], s, len) == 0 && a->strs[i][len] == '\0')
			return a->strs[i];
	a->strs[i] = nkt_xmalloc(len + 1);
	memcpy(a->strs[i], s, len);
	a->strs[i][len] = '\0';
	a->strs_len++;
	return a->strs[i];
}

/* One value at a path of an entry; 1 if found with the wanted type. */
static int value(MMDB_entry_s *e, MMDB_entry_data_s *d, int type, int *err,
		 const char *const *path)
{
	int rc = MMDB_aget_value(e, d, path);
	if (rc != MMDB_SUCCESS) {
		if (rc != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
			*err = 1;
		return 0;
	}
	return d->has_data && d->type == (uint32_t)type;
}

/* The AS and organisation of an address from one ASN database. */
static void lookup_asn(struct nkt_annotator *a, struct db *db,
		       const struct sockaddr *sa, struct nkt_annot *out,
		       int *bad)
{
	MMDB_entry_data_s d;
	MMDB_lookup_result_s r;
	int merr = 0;

	if (!db->open)
		return;
	r = MMDB_lookup_sockaddr(&db->mmdb, sa, &merr);
	if (merr != MMDB_SUCCESS &&
	    merr != MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		*bad = 1;
	if (merr == MMDB_SUCCESS && r.found_entry) {
		static const char *const p1[] = {"autonomous_system_number",
						 NULL};
		static const char *const p2[] = {
			"autonomous_system_organization", NULL};
		if (value(&r.entry, &d, MMDB_DATA_TYPE_UINT32, bad, p1)) {
			out->asn = d.uint32;
			out->flags |= NKT_ANNOT_ASN;
		}
		if (value(&r.entry, &d, MMDB_DATA_TYPE_UTF8_STRING, bad, p2))
			out->as_org = intern(a, d.utf8_string, d.data_size);
	}
}

static void lookup_db(struct nkt_annotator *a, const struct sockaddr *sa,
		      struct nkt_annot *out)
{
	MMDB_entry_data_s d;
	int merr = 0, bad = 0;

	lookup_asn(a, &a->asn, sa, out, &bad);
	if (!(out->flags & NKT_ANNOT_ASN))
		lookup_asn(a, &a->asn_all, sa, out, &bad);
	if (a->geo_db != NULL) {
		MMDB_lookup_result_s r =
			MMDB_lookup_sockaddr(&a->geo_db->mmdb, sa, &merr);
		if (merr != MMDB_SUCCESS &&
		    merr != MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
			bad = 1;
		if (merr == MMDB_SUCCESS && r.found_entry) {
			static const char *const cc[] = {"country", "iso_code",
							  NULL};
			static const char *const rcc[] = {
				"registered_country", "iso_code", NULL};
			static const char *const city[] = {"city", "names",
							    "en", NULL};
			static const char *const lat[] = {"location",
							   "latitude", NULL};
			static const char *const lon[] = {"location",
							   "longitude", NULL};
			if ((value(&r.entry, &d, MMDB_DATA_TYPE_UTF8_STRING,
				   &bad, cc) ||
			     value(&r.entry, &d, MMDB_DATA_TYPE_UTF8_STRING,
				   &bad, rcc)) &&
			    d.data_size == 2) {
				memcpy(out->cc, d.utf8_string, 2);
				out->cc[2] = '\0';
				out->flags |= NKT_ANNOT_GEO;
			}
			if (value(&r.entry, &d, MMDB_DATA_TYPE_UTF8_STRING,
				  &bad, city))
				out->city =
					intern(a, d.utf8_string, d.data_size);
			if (value(&r.entry, &d, MMDB_DATA_TYPE_DOUBLE, &bad,
				  lat)) {
				out->lat = d.double_value;
				if (value(&r.entry, &d, MMDB_DATA_TYPE_DOUBLE,
					  &bad, lon)) {
					out->lon = d.double_value;
					out->flags |= NKT_ANNOT_LOC;
				}
			}
		}
	}
	if (bad) {
		out->flags |= NKT_ANNOT_ERROR;
		a->errors++;
	}
}

static struct cache_ent *cache_slot(struct nkt_annotator *a,
				    const uint8_t *key, int *found)
{
	size_t i = (size_t)hash16(key) & (a->cache_cap - 1);
	while (a->cache[i].used) {
		if (memcmp(a->cache[i].key, key, 16) == 0) {
			*found = 1;
			return &a->cache[i];
		}
		i = (i + 1) & (a->cache_cap - 1);
	}
	*found = 0;
	return &a->cache[i];
}

static void cache_grow(struct nkt_annotator *a)
{
	struct cache_ent *old = a->cache;
	size_t oldcap = a->cache_cap, i;
	a->cache_cap *= 2;
	a->cache = nkt_xcalloc(a->cache_cap, sizeof(*a->cache));
	for (i = 0; i < oldcap; i++)
		if (old[i].used) {
			int f;
			*cache_slot(a, old[i].key, &f) = old[i];
		}
	free(old);
}

static void annotate(struct nkt_annotator *a, const uint8_t *key,
		     const struct sockaddr *sa, enum nkt_addr_kind kind,
		     struct nkt_annot *out)
{
	struct cache_ent *e;
	int found;

	memset(out, 0, sizeof(*out));
	out->kind = (uint8_t)kind;
	if (kind != NKT_ADDR_PUBLIC)
		return; /* marked, never looked up or guessed */
	e = cache_slot(a, key, &found);
	if (found) {
		a->hits++;
		*out = e->a;
		return;
	}
	a->lookups++;
	lookup_db(a, sa, out);
	if (a->cache_len >= CACHE_MAX)
		return;
	if ((a->cache_len + 1) * 2 > a->cache_cap) {
		cache_grow(a);
		e = cache_slot(a, key, &found);
	}
	memcpy(e->key, key, 16);
	e->used = 1;
	e->a = *out;
	a->cache_len++;
}

void nkt_annot_v4(struct nkt_annotator *a, uint32_t addr,
		  struct nkt_annot *out)
{
	struct sockaddr_in sin;
	uint8_t key[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	nkt_put32(key + 12, addr);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(addr);
	annotate(a, key, (const struct sockaddr *)&sin, nkt_addr_kind_v4(addr),
		 out);
}

int nkt_annot_str(struct nkt_annotator *a, const char *text,
		  struct nkt_annot *out)
{
	struct sockaddr_in6 sin6;
	uint32_t v4;

	if (nkt_inet_parse(text, &v4) == NKT_OK) {
		nkt_annot_v4(a, v4, out);
		return NKT_OK;
	}
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET6, text, &sin6.sin6_addr) != 1)
		return NKT_EINVAL;
	annotate(a, sin6.sin6_addr.s6_addr, (const struct sockaddr *)&sin6,
		 nkt_addr_kind_v6(sin6.sin6_addr.s6_addr), out);
	return NKT_OK;
}
