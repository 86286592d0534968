/*
 * runstat.c - run a command with stdout sent to a file and report its wall
 * time, peak resident memory and exit code on stderr, for the benchmark.
 * Usage: runstat OUTFILE -- CMD ARGS...   (OUTFILE '-' means /dev/null)
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static double rs_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: point stdout at path and exec argv; never returns. */
static void rs_exec(const char *path, char **argv)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0) {
        fprintf(stderr, "runstat: cannot write '%s': %s\n", path, strerror(errno));
        _exit(126);
    }
    if (fd != STDOUT_FILENO) {
        if (dup2(fd, STDOUT_FILENO) < 0) {
            fprintf(stderr, "runstat: dup2: %s\n", strerror(errno));
            _exit(126);
        }
        close(fd);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "runstat: cannot run '%s': %s\n", argv[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}

int main(int argc, char **argv)
{
    const char *out;
    struct rusage ru;
    double t0, t1;
    pid_t pid;
    int status, code;

    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fputs("usage: runstat OUTFILE -- CMD ARGS...   (OUTFILE '-' means /dev/null)\n", stderr);
        return 2;
    }
    out = strcmp(argv[1], "-") ? argv[1] : "/dev/null";
    fflush(NULL);
    t0 = rs_now();
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
        return 126;
    }
    if (pid == 0)
        rs_exec(out, argv + 3);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "runstat: waitpid: %s\n", strerror(errno));
            return 126;
        }
    }
    t1 = rs_now();
    /* The only child we ever waited for is CMD, so this is its peak RSS. */
    if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
        memset(&ru, 0, sizeof(ru));
    if (WIFEXITED(status))
        code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        code = 128 + WTERMSIG(status);
    else
        code = 126;
    fprintf(stderr, "wall_s=%.3f maxrss_kb=%ld exit=%d\n", t1 - t0, (long)ru.ru_maxrss, code);
    return code;
}
