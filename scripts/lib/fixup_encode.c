/* The fixup-stream encoder: a shortest-path search over the commands of
 * docs/FORMAT.md.  State i means "fixups [0, i) are emitted and the
 * cursor is just past fixup i-1"; every command moves to a later state,
 * so a right-to-left dynamic programme finds the cheapest stream made of
 * the candidate commands it tries at each state (not every command: see
 * docs/FORMAT.md). */
#include "fixup_encode.h"

#include <stdlib.h>
#include <string.h>

#include "rmod/format.h"

#define BITS_MAX_BYTES 64 /* longest BITS payload the encoder tries */
#define REPEAT_MAX_COPIES 1000000u

enum { C_SKIP, C_RUN, C_BITS, C_REPEAT };

struct choice {
	uint8_t op;
	uint32_t next; /* state after the command */
	uint32_t arg, w, pat;
};

static uint32_t cursor(const uint32_t *offs, size_t i) { return i ? offs[i - 1] + 4 : 0; }

/* Longest REPEAT of width w from state i: returns copies (>= 2) or 0. */
static uint32_t repeat_at(const uint32_t *offs, size_t n, size_t i, uint32_t w, uint32_t *pat,
			  size_t *next)
{
	uint32_t c = cursor(offs, i);
	uint64_t win = 4ull * w;
	uint32_t p = 0;
	size_t j = i;
	while (j < n && offs[j] < c + win) {
		uint32_t d = offs[j] - c;
		if (d % 4)
			return 0;
		p |= 1u << (d / 4);
		j++;
	}
	if (!p)
		return 0;
	uint32_t copies = 1;
	size_t k = j;
	for (;;) {
		uint64_t start = c + win * copies;
		uint32_t q = 0;
		size_t m = k;
		while (m < n && offs[m] < start + win) {
			uint64_t d = offs[m] - start;
			if (d % 4)
				break;
			q |= 1u << (d / 4);
			m++;
		}
		if (q != p || copies >= REPEAT_MAX_COPIES)
			break;
		copies++;
		k = m;
	}
	if (copies < 2)
		return 0;
	*pat = p;
	*next = k;
	return copies;
}

void fixup_encode(const uint32_t *offs, size_t n, struct buf *out)
{
	uint64_t *cost = xcalloc(n + 1, sizeof(uint64_t));
	struct choice *best = xcalloc(n + 1, sizeof(struct choice));
	/* REPEAT candidates found left to right; inside a periodic stretch a
	 * later start is never cheaper, so each width is tried once per stretch. */
	struct choice *rep = xcalloc(n + 1, sizeof(struct choice));
	size_t covered[RMOD_MAX_REPEAT_W + 1] = {0};
	for (size_t i = 0; i < n; i++) {
		for (uint32_t w = 1; w <= RMOD_MAX_REPEAT_W; w++) {
			if (i < covered[w])
				continue;
			uint32_t pat;
			size_t next;
			uint32_t copies = repeat_at(offs, n, i, w, &pat, &next);
			if (!copies)
				continue;
			covered[w] = next;
			if (next > rep[i].next) /* keep the widest reach */
				rep[i] = (struct choice){C_REPEAT, (uint32_t)next, copies - 2, w, pat};
		}
	}
	cost[n] = 0;
	for (size_t ii = n; ii-- > 0;) {
		uint32_t c = cursor(offs, ii);
		uint32_t gap = offs[ii] - c;
		/* SKIP */
		best[ii] = (struct choice){C_SKIP, (uint32_t)ii + 1, gap, 0, 0};
		cost[ii] = uleb_len(gap << 2) + cost[ii + 1];
		/* RUN: maximal contiguous run starting at the cursor. */
		if (gap == 0) {
			size_t j = ii + 1;
			while (j < n && offs[j] == offs[j - 1] + 4)
				j++;
			if (j - ii >= 2) {
				uint32_t a = (uint32_t)(j - ii - 2);
				uint64_t cc = uleb_len(a << 2 | 1) + cost[j];
				if (cc < cost[ii]) {
					cost[ii] = cc;
					best[ii] = (struct choice){C_RUN, (uint32_t)j, a, 0, 0};
				}
			}
		}
		/* BITS: every prefix of the aligned fixups within the window. */
		for (size_t j = ii; j < n; j++) {
			uint32_t d = offs[j] - c;
			if (d % 4 || d / 4 >= 8 * BITS_MAX_BYTES)
				break;
			uint32_t k = d / 32 + 1;
			uint64_t cc = uleb_len((k - 1) << 2 | 2) + k + cost[j + 1];
			if (cc < cost[ii]) {
				cost[ii] = cc;
				best[ii] = (struct choice){C_BITS, (uint32_t)j + 1, k - 1, 0, 0};
			}
		}
		if (rep[ii].next) {
			struct choice r = rep[ii];
			uint64_t cc = uleb_len(r.arg << 2 | 3) + uleb_len(r.w) + uleb_len(r.pat) +
				      cost[r.next];
			if (cc < cost[ii]) {
				cost[ii] = cc;
				best[ii] = r;
			}
		}
	}
	for (size_t i = 0; i < n;) {
		struct choice ch = best[i];
		uint32_t c = cursor(offs, i);
		switch (ch.op) {
		case C_SKIP:
			buf_uleb(out, ch.arg << 2 | RMOD_FX_SKIP);
			break;
		case C_RUN:
			buf_uleb(out, ch.arg << 2 | RMOD_FX_RUN);
			break;
		case C_BITS: {
			buf_uleb(out, ch.arg << 2 | RMOD_FX_BITS);
			uint8_t bytes[BITS_MAX_BYTES] = {0};
			for (size_t j = i; j < ch.next; j++) {
				uint32_t b = (offs[j] - c) / 4;
				bytes[b / 8] |= (uint8_t)(1u << (b % 8));
			}
			buf_put(out, bytes, ch.arg + 1);
			break;
		}
		case C_REPEAT:
			buf_uleb(out, ch.arg << 2 | RMOD_FX_REPEAT);
			buf_uleb(out, ch.w);
			buf_uleb(out, ch.pat);
			break;
		}
		i = ch.next;
	}
	xfree(cost);
	xfree(best);
	xfree(rep);
}

size_t fixup_size_raw(const uint32_t *offs, size_t n)
{
	(void)offs;
	return 4 * n;
}

size_t fixup_size_pe(const uint32_t *offs, size_t n)
{
	size_t total = 0, i = 0;
	while (i < n) {
		uint32_t page = offs[i] >> 12;
		size_t k = 0;
		while (i < n && offs[i] >> 12 == page) {
			i++;
			k++;
		}
		/* A fixup straddling into the next page is still one entry. */
		total += 8 + 2 * (k + (k & 1));
	}
	return total;
}

size_t fixup_size_relr(const uint32_t *offs, size_t n)
{
	size_t total = 0, i = 0;
	while (i < n) {
		if (offs[i] % 4) {
			total += 8; /* REL entry */
			i++;
			continue;
		}
		total += 4; /* address entry */
		uint64_t base = (uint64_t)offs[i] + 4;
		i++;
		for (;;) {
			uint32_t bitmap = 0;
			while (i < n && (offs[i] % 4 != 0 || offs[i] - base < 31 * 4)) {
				if (offs[i] % 4) { /* unaligned: REL entry */
					total += 8;
					i++;
					continue;
				}
				bitmap |= 1u << ((offs[i] - base) / 4);
				i++;
			}
			if (!bitmap)
				break;
			total += 4;
			base += 31 * 4;
		}
	}
	return total;
}
