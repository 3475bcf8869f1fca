/* `echolot os` output: the verdict line as `ping --os` writes it (with
 * what the signals added), then one line per piece of evidence. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "os_active.h"
#include "os_line.h"

/* "A, B and C": the bucket's stacks in the table's order. */
static void add_stacks(char *buf, size_t len, size_t *pos,
		       const struct fp_active *a)
{
	size_t n = 0;

	for (size_t i = 0; i < fp_nstacks; i++) {
		for (size_t j = 0; j < a->nfit; j++) {
			if (a->fit[j].stack != &fp_stacks[i])
				continue;
			report_append(buf, len, pos, "%s%s", n == 0 ? "" :
			    n + 1 == a->nfit ? " and " : ", ",
			    fp_stacks[i].family);
			n++;
		}
	}
}

int report_os_active_format(char *buf, size_t len, const struct fp_active *a)
{
	struct fp_verdict v = a->base;
	size_t pos;

	v.label = a->label;
	v.confidence = a->confidence;
	pos = (size_t)report_os_format(buf, len, &v);
	if (v.confidence == FP_CONF_NONE || !v.label || pos == 0 ||
	    pos >= len || buf[pos - 1] != ')')
		return (int)pos;
	pos--;          /* reopen the parenthesis */
	if (a->passive_won)
		report_append(buf, len, &pos, "; the measured hops say initial ttl %d, "
		    "%d hop%s, but the signals fit this reading (a return path "
		    "longer or shorter than the forward one)",
		    a->passive_initial, a->passive_hops,
		    a->passive_hops == 1 ? "" : "s");
	else if (a->off_passive)
		report_append(buf, len, &pos, "; the reply ttl alone says initial ttl %d, "
		    "%d hop%s (a return path of another length?)",
		    a->passive_initial, a->passive_hops,
		    a->passive_hops == 1 ? "" : "s");
	if (a->narrowed) {
		report_append(buf, len, &pos, "; signals fit %s best of ", a->label);
		add_stacks(buf, len, &pos, a);
	} else if (a->contradict) {
		report_append(buf, len, &pos, "; signals fit no stack that starts at %d (",
		    a->base.initial);
		add_stacks(buf, len, &pos, a);
		report_append(buf, len, &pos, ")");
	}
	report_append(buf, len, &pos, ")");
	return (int)pos;
}

/* "fits Linux, OpenBSD; not FreeBSD, macOS": every stack of the table
 * that the signal confirms or rules out. */
static void suggest(FILE *out, unsigned sig, const struct fp_signals *s)
{
	const char *sep = "";

	for (int want = 1; want >= 0; want--) {
		bool any = false;

		for (size_t i = 0; i < fp_nstacks; i++) {
			if (fp_signal_fits(&fp_stacks[i], sig, s) != want)
				continue;
			fprintf(out, "%s%s%s", any ? ", " : sep,
				any ? "" : want ? "fits " : "not ",
				fp_stacks[i].family);
			any = true;
			sep = "; ";
		}
	}
	fputc('\n', out);
}

void report_os_active(FILE *out, const struct fp_active *a,
		      const struct fp_signals *s,
		      const struct report_os_evidence *e)
{
	char line[768];

	report_os_active_format(line, sizeof(line), a);
	fprintf(out, "%s\n", line);
	fprintf(out, "  target:    %s\n", e->target);
	if (e->hops >= 0) {
		fprintf(out, "  hops:      %d router%s: ttl %d reached the target",
			e->hops, e->hops == 1 ? "" : "s", e->reach_ttl);
		if (e->expire_ttl > 0)
			fprintf(out, ", ttl %d expired%s%s", e->expire_ttl,
				e->expired_at ? " at " : " unanswered",
				e->expired_at ? e->expired_at : "");
		if (e->hop_probes) {
			fprintf(out, " (%u probe%s", e->hop_probes,
				e->hop_probes == 1 ? "" : "s");
			if (e->silent)
				fprintf(out, ", %u unanswered", e->silent);
			fprintf(out, ")");
		}
		fputc('\n', out);
	} else {
		fprintf(out, "  hops:      not measured%s%s\n",
			e->hop_note ? ": " : "", e->hop_note ? e->hop_note : "");
	}
	if (e->fp && e->fp->nttls) {
		fprintf(out, "  reply ttl:");
		for (size_t i = 0; i < e->fp->nttls; i++)
			fprintf(out, "%s%d (%" PRIu64 " repl%s)", i ? ", " : " ",
				e->fp->ttls[i].ttl, e->fp->ttls[i].count,
				e->fp->ttls[i].count == 1 ? "y" : "ies");
		fputc('\n', out);
	}
	if (e->captured)
		fprintf(out, "  probes:    %u captured, %u answered\n", e->sent,
			e->answered);
	else
		fprintf(out, "  probes:    %u sent, %u answered, %.1f ms\n", e->sent,
			e->answered, (double)e->elapsed_ns / 1e6);
	if (s->code != FP_CODE_UNKNOWN || s->code_got >= 0) {
		fprintf(out, "  code:      sent %d, got %d (%s): ", s->code_sent,
			s->code_got, s->code == FP_CODE_ECHOED ? "echoed" :
			s->code == FP_CODE_ZEROED ? "zeroed" : "other");
		suggest(out, FP_SIG_CODE, s);
	}
	if (s->ipseq != FP_IPSEQ_UNKNOWN) {
		fprintf(out, "  ip id:     %s (", fp_ipid_pattern_name(s->ipseq));
		for (size_t i = 0; i < e->nip_ids && i < 6; i++)
			fprintf(out, "%s%u", i ? " " : "", e->ip_ids[i]);
		fprintf(out, "%s): ", e->nip_ids > 6 ? " ..." : "");
		suggest(out, FP_SIG_IPID, s);
	}
	if (s->df_on_df >= 0) {
		fprintf(out, "  df:        %s on the replies to DF requests: ",
			s->df_on_df ? "set" : "clear");
		suggest(out, FP_SIG_DF, s);
	}
	if (s->tos_got >= 0)
		fprintf(out, "  tos:       sent 0x%02x, got 0x%02x (%s; no column in the table)\n",
			s->tos_sent, s->tos_got,
			s->tos_got == s->tos_sent ? "echoed" :
			s->tos_got == 0 ? "zeroed" : "changed");
	if (s->timestamp == FP_ANSWER_YES || s->timestamp == FP_ANSWER_NO) {
		fprintf(out, "  timestamp: %s: ", s->timestamp == FP_ANSWER_YES ?
			"answered" : "not answered");
		suggest(out, FP_SIG_TSTAMP, s);
	}
	if (s->quote_sent >= 0) {
		if (s->quoted < 0)
			fprintf(out, "  quote:     no answer (udp to a closed port: "
				"no port unreachable; not scored)\n");
		else if (s->quote_v6)
			fprintf(out, "  quote:     %d of %d bytes after the ip header "
				"(port unreachable; no ipv6 column in the table)\n",
				s->quoted, s->quote_sent);
		else {
			fprintf(out, "  quote:     %d of %d bytes after the ip header "
				"(port unreachable): ", s->quoted, s->quote_sent);
			suggest(out, FP_SIG_QUOTE, s);
		}
	}
	fflush(out);
}
