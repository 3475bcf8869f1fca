/* The `os` event of --json: what `ping --os` and `echolot os` print as
 * text, as one JSON object.  The schema is docs/json-schema.md (`os`);
 * change both together. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "os_json.h"

const char *report_os_json_code(enum fp_code c)
{
	return c == FP_CODE_ECHOED ? "echoed" :
	       c == FP_CODE_ZEROED ? "zeroed" : "other";
}

const char *report_os_json_ipid(enum fp_ipid_pattern p)
{
	switch (p) {
	case FP_IPSEQ_ZERO:
		return "zero";
	case FP_IPSEQ_COPIED:
		return "copied";
	case FP_IPSEQ_CONSTANT:
		return "constant";
	case FP_IPSEQ_INCREMENTAL:
		return "incrementing";
	case FP_IPSEQ_RANDOM:
		return "random";
	case FP_IPSEQ_UNKNOWN:
		break;
	}
	return NULL;
}

static void kv_int_or_null(struct json_writer *w, const char *k, bool have,
			   int64_t v)
{
	json_key(w, k);
	if (have)
		json_int(w, v);
	else
		json_null(w);
}

static void alternative(struct json_writer *w, int initial, int hops,
			const char *reading)
{
	json_obj_begin(w);
	json_kv_int(w, "initial_ttl", initial);
	json_kv_int(w, "hops", hops);
	json_kv_str(w, "reading", reading);
	json_obj_end(w);
}

/* The stacks of fp_stacks that signal sig fits (want 1) or contradicts
 * (want 0), each name once, in the table's order. */
static void stacks(struct json_writer *w, const char *k, unsigned sig,
		   const struct fp_signals *s, int want)
{
	json_key(w, k);
	json_arr_begin(w);
	for (size_t i = 0; s && sig && i < fp_nstacks; i++) {
		bool seen = false;

		if (fp_signal_fits(&fp_stacks[i], sig, s) != want)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = fp_signal_fits(&fp_stacks[j], sig, s) == want &&
			       !strcmp(fp_stacks[j].family, fp_stacks[i].family);
		if (!seen)
			json_str(w, fp_stacks[i].family);
	}
	json_arr_end(w);
}

/* One element of "signals"; sig 0: no column in the table (shown, not
 * scored). */
static void sig_entry(struct json_writer *w, const char *name, const char *value,
		   int sent, int got, unsigned sig, const struct fp_signals *s)
{
	json_obj_begin(w);
	json_kv_str(w, "name", name);
	json_kv_str(w, "value", value);
	kv_int_or_null(w, "sent", sent >= 0, sent);
	kv_int_or_null(w, "got", got >= 0, got);
	stacks(w, "suggests", sig, s, 1);
	stacks(w, "rules_out", sig, s, 0);
	json_obj_end(w);
}

/* In the order of the text's evidence lines (report_os_active()). */
static void signals(struct json_writer *w, const struct fp_signals *s)
{
	json_arr_begin(w);
	if (s->code != FP_CODE_UNKNOWN || s->code_got >= 0)
		sig_entry(w, "code", report_os_json_code(s->code), s->code_sent,
		       s->code_got, FP_SIG_CODE, s);
	if (s->ipseq != FP_IPSEQ_UNKNOWN)
		sig_entry(w, "ip_id", report_os_json_ipid(s->ipseq), -1, -1,
		       FP_SIG_IPID, s);
	if (s->df_on_df >= 0)
		sig_entry(w, "df", s->df_on_df ? "set" : "clear", -1, -1,
		       FP_SIG_DF, s);
	if (s->tos_got >= 0)
		sig_entry(w, "tos", s->tos_got == s->tos_sent ? "echoed" :
		       s->tos_got == 0 ? "zeroed" : "changed", s->tos_sent,
		       s->tos_got, 0, s);
	if (s->timestamp == FP_ANSWER_YES || s->timestamp == FP_ANSWER_NO)
		sig_entry(w, "timestamp", s->timestamp == FP_ANSWER_YES ?
		       "answered" : "not_answered", -1, -1, FP_SIG_TSTAMP, s);
	if (s->quote_sent >= 0) {
		char v[16];

		if (s->quoted >= 0)
			snprintf(v, sizeof(v), "%d", s->quoted);
		sig_entry(w, "quote", s->quoted >= 0 ? v : "no_answer",
			  s->quote_sent, s->quoted, FP_SIG_QUOTE, s);
	}
	json_arr_end(w);
}

/* v: the verdict as printed (label and confidence those of the active
 * verdict for echolot os); a, s, e: NULL for ping. */
static void write_os(struct json_writer *w, const struct fp_verdict *v,
		     const struct fp *f, const struct fp_active *a,
		     const struct fp_signals *s,
		     const struct report_os_evidence *e)
{
	bool known = v->confidence != FP_CONF_NONE && v->label;
	bool changed = known && (v->why & FP_WHY_CHANGED);

	json_obj_begin(w);
	json_kv_str(w, "type", "os");
	json_kv_str(w, "family", known ? v->label : NULL);
	json_kv_str(w, "confidence", known ?
		    fp_confidence_name(v->confidence) : NULL);
	kv_int_or_null(w, "initial_ttl", known && v->initial >= 0, v->initial);
	kv_int_or_null(w, "hops", known && v->hops >= 0, v->hops);
	json_kv_bool(w, "hops_measured", known && (v->why & FP_WHY_MEASURED));
	kv_int_or_null(w, "measured_hops", v->measured_hops >= 0,
		       v->measured_hops);
	kv_int_or_null(w, "reply_ttl", known, v->ttl);

	json_key(w, "alternatives");
	json_arr_begin(w);
	if (known && a && a->passive_won)
		alternative(w, a->passive_initial, a->passive_hops,
			    "measured_hops");
	else if (known && a && a->off_passive)
		alternative(w, a->passive_initial, a->passive_hops,
			    "reply_ttl");
	if (known && (v->why & FP_WHY_AMBIGUOUS))
		alternative(w, v->alt_initial, v->alt_hops, "ttl");
	json_arr_end(w);

	json_key(w, "notes");
	json_arr_begin(w);
	if (!known) {
		json_str(w, v->no_ttl ? "no_ttl" : "no_replies");
	} else {
		if (v->why & FP_WHY_MISMATCH)
			json_str(w, "hops_mismatch");
		if (v->why & FP_WHY_AMBIGUOUS)
			json_str(w, "ambiguous");
		if (v->why & FP_WHY_RARE)
			json_str(w, "rare_initial");
		if (v->why & FP_WHY_FAR)
			json_str(w, "implausible_hops");
		if (v->why & FP_WHY_DISAGREE)
			json_str(w, "initials_disagree");
		if (v->why & FP_WHY_CHANGED)
			json_str(w, "ttl_changed");
		if (a && a->passive_won)
			json_str(w, "measured_hops_disagree");
		else if (a && a->off_passive)
			json_str(w, "reply_ttl_disagrees");
		if (a && a->narrowed)
			json_str(w, "signals_narrowed");
		else if (a && a->contradict)
			json_str(w, "signals_contradict");
	}
	json_arr_end(w);
	kv_int_or_null(w, "other_initial_ttl",
		       known && (v->why & FP_WHY_DISAGREE), v->other_initial);

	json_kv_uint(w, "replies", f ? f->replies : v->replies);
	json_kv_uint(w, "replies_without_ttl", f ? f->no_ttl : v->no_ttl);
	json_key(w, "ttls");
	json_arr_begin(w);
	for (size_t i = 0; f && i < f->nttls && i < FP_MAX_TTLS; i++) {
		json_obj_begin(w);
		json_kv_int(w, "ttl", f->ttls[i].ttl);
		json_kv_uint(w, "count", f->ttls[i].count);
		json_kv_uint(w, "first_seq", f->ttls[i].first_seq);
		json_obj_end(w);
	}
	json_arr_end(w);
	kv_int_or_null(w, "ttl_changed_at", changed, v->change_seq);
	kv_int_or_null(w, "ttl_changed_from", changed, v->change_from);
	kv_int_or_null(w, "ttl_changed_to", changed, v->change_to);
	json_kv_uint(w, "ttl_changes", changed ? v->changes : 0);

	json_key(w, "candidates");
	if (a) {
		json_arr_begin(w);
		for (size_t i = 0; i < a->nfit && i < FP_MAX_FIT; i++)
			json_str(w, a->fit[i].stack->family);
		json_arr_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "signals");
	if (s)
		signals(w, s);
	else
		json_null(w);
	kv_int_or_null(w, "probes_sent", e != NULL, e ? e->sent : 0);
	kv_int_or_null(w, "probes_answered", e != NULL, e ? e->answered : 0);
	json_obj_end(w);
	json_end_line(w);
}

void report_os_json_ping(struct json_writer *w, const struct fp_verdict *v,
			 const struct fp *f)
{
	write_os(w, v, f, NULL, NULL, NULL);
}

void report_os_json_active(struct json_writer *w, const struct fp_active *a,
			   const struct fp_signals *s,
			   const struct report_os_evidence *e)
{
	struct fp_verdict v = a->base;

	v.label = a->label;
	v.confidence = a->confidence;
	write_os(w, &v, e->fp, a, s, e);
}
