// SPDX-License-Identifier: ISC
/* jsonget.c: typed members of a JSON object, the member's path in errors
 * (see jsonget.h).  Pure. */
#include "nktrace/jsonget.h"

#include <math.h>

/* The member: NKT_OK (present, right type), NKT_ENOTFOUND (absent or
 * null), NKT_EMALFORMED (wrong type; err names path.key). */
static int member(const json_t *o, const char *key, json_type type,
		  const char *what, const char *path, const json_t **out,
		  struct nkt_err *err)
{
	const json_t *v = json_object_get(o, key);
	int ok;

	*out = v;
	if (v == NULL || json_is_null(v))
		return NKT_ENOTFOUND;
	ok = type == JSON_REAL ? json_is_number(v) : json_typeof(v) == type;
	if (!ok)
		return nkt_err_set(err, NKT_EMALFORMED, "%s%s%s: not %s", path,
				   *path ? "." : "", key, what);
	return NKT_OK;
}

int nkt_jget_int(const json_t *o, const char *key, json_int_t lo,
		 json_int_t hi, json_int_t dflt, const char *path,
		 json_int_t *v, struct nkt_err *err)
{
	const json_t *j;
	int rc = member(o, key, JSON_INTEGER, "an integer", path, &j, err);
	*v = dflt;
	if (rc == NKT_ENOTFOUND)
		return NKT_OK;
	if (rc != NKT_OK)
		return rc;
	*v = json_integer_value(j);
	if (*v < lo || *v > hi)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s%s%s: %lld is out of range", path,
				   *path ? "." : "", key, (long long)*v);
	return NKT_OK;
}

int nkt_jget_u8(const json_t *o, const char *key, json_int_t dflt,
		const char *path, uint8_t *out, struct nkt_err *err)
{
	json_int_t v;
	if (nkt_jget_int(o, key, 0, 255, dflt, path, &v, err) != NKT_OK)
		return NKT_EMALFORMED;
	*out = (uint8_t)v;
	return NKT_OK;
}

int nkt_jget_u16(const json_t *o, const char *key, json_int_t dflt,
		 const char *path, uint16_t *out, struct nkt_err *err)
{
	json_int_t v;
	if (nkt_jget_int(o, key, 0, 65535, dflt, path, &v, err) != NKT_OK)
		return NKT_EMALFORMED;
	*out = (uint16_t)v;
	return NKT_OK;
}

int nkt_jget_num(const json_t *o, const char *key, const char *path,
		 double *v, struct nkt_err *err)
{
	const json_t *j;
	int rc = member(o, key, JSON_REAL, "a number", path, &j, err);
	*v = NAN;
	if (rc == NKT_ENOTFOUND)
		return NKT_OK;
	if (rc != NKT_OK)
		return rc;
	*v = json_number_value(j);
	if (!(*v >= 0) || *v > 1e9)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s%s%s: %g is out of range", path,
				   *path ? "." : "", key, *v);
	return NKT_OK;
}

int nkt_jget_str(const json_t *o, const char *key, const char *path,
		 const char **v, struct nkt_err *err)
{
	const json_t *j;
	int rc = member(o, key, JSON_STRING, "a string", path, &j, err);
	*v = rc == NKT_OK ? json_string_value(j) : NULL;
	return rc == NKT_ENOTFOUND ? NKT_OK : rc;
}

int nkt_jget_array(const json_t *o, const char *key, const char *path,
		   const json_t **v, struct nkt_err *err)
{
	int rc = member(o, key, JSON_ARRAY, "an array", path, v, err);
	if (rc == NKT_ENOTFOUND)
		*v = NULL;
	return rc == NKT_ENOTFOUND ? NKT_OK : rc;
}

int nkt_jget_addr(const json_t *o, const char *key, const char *path,
		  struct nkt_addrtab *at, uint32_t *addr, struct nkt_err *err)
{
	const char *s;
	int rc = nkt_jget_str(o, key, path, &s, err);
	*addr = 0;
	if (rc != NKT_OK || s == NULL || *s == '\0')
		return rc;
	rc = nkt_addrtab_parse(at, s, addr);
	if (rc == NKT_EFULL)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "too many distinct addresses");
	if (rc != NKT_OK)
		return nkt_err_set(err, NKT_EMALFORMED,
				   "%s%s%s: '%.60s' is not an address", path,
				   *path ? "." : "", key, s);
	return NKT_OK;
}

int nkt_jget_time(const json_t *o, const char *key, const char *path,
		  uint64_t *ns, struct nkt_err *err)
{
	const json_t *t = json_object_get(o, key);
	json_int_t sec, usec;

	*ns = 0;
	if (!json_is_object(t))
		return NKT_OK;
	if (nkt_jget_int(t, "sec", 0, (json_int_t)1 << 40, 0, path, &sec,
			 err) != NKT_OK ||
	    nkt_jget_int(t, "usec", 0, 999999, 0, path, &usec, err) != NKT_OK)
		return NKT_EMALFORMED;
	*ns = (uint64_t)sec * NKT_NS_PER_S + (uint64_t)usec * NKT_NS_PER_US;
	return NKT_OK;
}

int nkt_jget_mpls(const json_t *o, const char *const keys[4],
		  const char *path, uint32_t *lse, struct nkt_err *err)
{
	json_int_t label, exp, s, ttl;

	if (!json_is_object(o))
		return nkt_err_set(err, NKT_EMALFORMED, "%s: not an object",
				   path);
	if (nkt_jget_int(o, keys[0], 0, 0xfffff, 0, path, &label, err) !=
		    NKT_OK ||
	    nkt_jget_int(o, keys[1], 0, 7, 0, path, &exp, err) != NKT_OK ||
	    nkt_jget_int(o, keys[2], 0, 1, 0, path, &s, err) != NKT_OK ||
	    nkt_jget_int(o, keys[3], 0, 255, 0, path, &ttl, err) != NKT_OK)
		return NKT_EMALFORMED;
	*lse = (uint32_t)(label << 12 | exp << 9 | s << 8 | ttl);
	return NKT_OK;
}
