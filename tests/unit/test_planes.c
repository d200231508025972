// SPDX-License-Identifier: ISC
/*
 * test_planes.c: the control plane beside the data plane: transits named
 * alike (a group by its name, an unlisted AS by its number), the share a
 * BGP transit needs, agreement and disagreement, and the sentence.
 */
#include "nkt_test.h"
#include "nktrace/planes.h"

#include <string.h>

static const struct nkt_plane_route R[] = {
	{"175.45.178.0/24", "TTK", "20485", 12, 19, 1506816600},
	{"175.45.178.0/24", "China Unicom", "4837 134544", 7, 19, 1},
	{"175.45.176.0/24", "China Unicom", "4837", 19, 20, 1},
	{"175.45.176.0/24", "AS9002", "9002", 1, 20, 1},
	{"175.45.179.0/24", "AS9002", "9002", 20, 20, 1},
};

static void test_same(void)
{
	CHECK(nkt_planes_same("TTK", "TTK"));
	CHECK(nkt_planes_same("AS9002 RETN Limited", "AS9002"));
	CHECK(!nkt_planes_same("AS90021 Other", "AS9002"));
	CHECK(!nkt_planes_same("TTK Extra", "TTK"));
	CHECK(!nkt_planes_same("China Unicom", "TTK"));
}

static void test_state(void)
{
	struct nkt_plane_carrier c[] = {
		{"175.45.178.0/24", "AS9002 RETN Limited"},
		{"175.45.176.0/24", "China Unicom"},
		{"175.45.179.0/24", "AS9002 RETN Limited"},
		{"175.45.177.0/24", "TTK"},
	};
	struct nkt_event e;

	/* BGP: TTK 63%, China Unicom 37%; packets over RETN: disagree */
	CHECK_INT(nkt_planes_state("175.45.178.0/24", c, 4, R, 5, &e), 1);
	CHECK_STR(e.kind, "planes_disagree");
	CHECK_STR(e.transit, "TTK");
	CHECK_STR(e.message, "175.45.178.0/24: BGP via TTK (63% of 19 peers), "
			     "China Unicom (37% of 19 peers), packets via "
			     "AS9002 RETN Limited");
	/* the carrier is BGP's transit: agree; AS9002 with 1 of 20 peers
	 * (5%, below a quarter) is not named */
	CHECK_INT(nkt_planes_state("175.45.176.0/24", c, 4, R, 5, &e), 0);
	CHECK_STR(e.kind, "planes_agree");
	CHECK(strstr(e.message, "AS9002") == NULL);
	/* an unlisted upstream named by number in BGP, by name in packets */
	CHECK_INT(nkt_planes_state("175.45.179.0/24", c, 4, R, 5, &e), 0);
	/* no BGP route: nothing to compare */
	CHECK_INT(nkt_planes_state("175.45.177.0/24", c, 4, R, 5, &e), -1);
	/* no carrier */
	CHECK_INT(nkt_planes_state("175.45.178.0/24", c + 1, 1, R, 5, &e),
		  -1);
	/* a carrier that is BGP's second transit with a quarter or more:
	 * agree (a split as the data plane's own carriers allow) */
	{
		struct nkt_plane_carrier cu = {"175.45.178.0/24",
					       "China Unicom"};
		CHECK_INT(nkt_planes_state("175.45.178.0/24", &cu, 1, R, 5,
					   &e),
			  0);
	}
}

int main(void)
{
	test_same();
	test_state();
	return nkt_test_done("test_planes");
}
