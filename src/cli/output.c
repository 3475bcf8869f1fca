/* The end of every command: what it wrote must have reached stdout. */
#include <errno.h>
#include <stdio.h>

#include "cli.h"

int cli_output_status(const char *prog, int rc)
{
	int flushed = fflush(stdout), err = errno;

	/* stdio's error flag stays set once any write failed, so this one
	 * check covers every line of the run, and the flush the last. */
	if (flushed != 0 || ferror(stdout)) {
		/* As iputils' close_stdout(), whose failing write is almost
		 * always an earlier one, so that it gives no reason; a closed
		 * pipe is the reader's choice. */
		if (!(flushed != 0 && err == EPIPE)) {
			fprintf(stderr, "%s: write error\n", prog);
			rc = 1;
		}
	}
	if (fflush(stderr) != 0 || ferror(stderr))
		rc = 1;
	return rc;
}
