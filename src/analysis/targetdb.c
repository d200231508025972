// SPDX-License-Identifier: ISC
/* targetdb.c: parser of data/targets.json.  Pure. */
#include "nktrace/targetdb.h"
#include "nktrace/inet.h"
#include "nktrace/targets.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void copy_str(char *dst, size_t len, json_t *v)
{
	snprintf(dst, len, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int nkt_targetdb_parse(const char *text, size_t len, const char *origin,
		       struct nkt_targetdb *out, struct nkt_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je), *arr, *e, *v;
	size_t i, j;
	int rc = NKT_OK;

	memset(out, 0, sizeof(*out));
	if (root == NULL)
		return nkt_err_set(err, NKT_EINVAL, "%s:%d: %s", origin,
				   je.line, je.text);
	v = json_object_get(root, "space");
	if (!json_is_string(v) ||
	    nkt_prefix_parse(json_string_value(v), &out->space_net,
			     &out->space_len, NULL) != NKT_OK) {
		rc = nkt_err_set(err, NKT_EINVAL, "%s: bad \"space\" prefix",
				 origin);
		goto out;
	}
	v = json_object_get(root, "asn");
	out->asn = json_is_integer(v) ? (uint32_t)json_integer_value(v) : 0;
	v = json_object_get(root, "sample_per_prefix");
	out->sample_per_prefix =
		json_is_integer(v) && json_integer_value(v) >= 0 &&
				json_integer_value(v) <= 256
			? (unsigned)json_integer_value(v)
			: 8;

	arr = json_object_get(root, "prefixes");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > NKT_TDB_PREFIXES) {
		rc = nkt_err_set(err, NKT_EINVAL,
				 "%s: \"prefixes\" must list 1-%d prefixes",
				 origin, NKT_TDB_PREFIXES);
		goto out;
	}
	json_array_foreach(arr, i, e)
	{
		struct nkt_tdb_prefix *p = &out->prefix[out->n_prefix++];
		json_t *h, *hist = json_object_get(e, "history");
		v = json_object_get(e, "prefix");
		if (!json_is_string(v) ||
		    nkt_prefix_parse(json_string_value(v), &p->net, &p->len,
				     NULL) != NKT_OK) {
			rc = nkt_err_set(err, NKT_EINVAL,
					 "%s: prefix %zu is not a prefix",
					 origin, i + 1);
			goto out;
		}
		json_array_foreach(hist, j, h)
		{
			struct nkt_tdb_history *hh;
			json_t *tr = json_object_get(h, "transits"), *t;
			size_t k;
			if (p->n_hist == NKT_TDB_HISTORY)
				break;
			hh = &p->hist[p->n_hist++];
			copy_str(hh->from, sizeof(hh->from),
				 json_object_get(h, "from"));
			copy_str(hh->source, sizeof(hh->source),
				 json_object_get(h, "source"));
			json_array_foreach(tr, k, t)
			{
				if (hh->n_transits == 4)
					break;
				copy_str(hh->transits[hh->n_transits++], 64, t);
			}
		}
	}
	arr = json_object_get(root, "hosts");
	json_array_foreach(arr, i, e)
	{
		struct nkt_tdb_host *h;
		if (out->n_host == NKT_TDB_HOSTS)
			break;
		h = &out->host[out->n_host];
		v = json_object_get(e, "addr");
		if (!json_is_string(v) ||
		    nkt_inet_parse(json_string_value(v), &h->addr) != NKT_OK) {
			rc = nkt_err_set(err, NKT_EINVAL,
					 "%s: host %zu has no IPv4 \"addr\"",
					 origin, i + 1);
			goto out;
		}
		copy_str(h->name, sizeof(h->name), json_object_get(e, "name"));
		copy_str(h->what, sizeof(h->what), json_object_get(e, "what"));
		out->n_host++;
	}
out:
	json_decref(root);
	return rc;
}

const char *nkt_targetdb_name(const struct nkt_targetdb *db, uint32_t addr)
{
	size_t i;
	for (i = 0; i < db->n_host; i++)
		if (db->host[i].addr == addr && db->host[i].name[0])
			return db->host[i].name;
	return NULL;
}

const struct nkt_tdb_prefix *
nkt_targetdb_prefix_of(const struct nkt_targetdb *db, uint32_t addr)
{
	size_t i;
	for (i = 0; i < db->n_prefix; i++) {
		uint32_t mask = db->prefix[i].len
					? 0xffffffffu << (32 - db->prefix[i].len)
					: 0;
		if ((addr & mask) == db->prefix[i].net)
			return &db->prefix[i];
	}
	return NULL;
}

const struct nkt_tdb_history *
nkt_targetdb_latest(const struct nkt_tdb_prefix *p)
{
	return p->n_hist ? &p->hist[p->n_hist - 1] : NULL;
}

static int known(const struct nkt_targetdb *db, uint32_t a)
{
	size_t i;
	for (i = 0; i < db->n_host; i++)
		if (db->host[i].addr == a)
			return 1;
	return 0;
}

void nkt_targetdb_defaults(const struct nkt_targetdb *db, unsigned sample,
			   struct nkt_targets *t)
{
	size_t i;

	for (i = 0; i < db->n_host; i++) {
		char a[NKT_INET_ADDRSTRLEN];
		nkt_targets_add_arg(t, nkt_inet_fmt(db->host[i].addr, a), NULL);
	}
	for (i = 0; i < db->n_prefix; i++) {
		const struct nkt_tdb_prefix *p = &db->prefix[i];
		uint64_t hosts = p->len >= 31 ? 0 : (1ULL << (32 - p->len)) - 2;
		uint64_t step = 97, k, taken = 0;
		/* A step coprime to the host count walks every host once. */
		while (hosts > 0 && (hosts % step == 0 || step % 2 == 0))
			step++;
		for (k = 0; k < hosts && taken < sample; k++) {
			uint32_t a = p->net + 1 +
				     (uint32_t)((k * step + p->net % 251) %
						hosts);
			char s[NKT_INET_ADDRSTRLEN];
			if (known(db, a))
				continue;
			nkt_targets_add_arg(t, nkt_inet_fmt(a, s), NULL);
			taken++;
		}
	}
	nkt_targets_dedup(t);
}
