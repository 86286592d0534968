/*
 * replay.c - run a fuzz target without libFuzzer: each argument is a file
 * (or a directory of files) given to LLVMFuzzerTestOneInput once. Used by
 * 'make fuzz-regress' to replay the inputs that once crashed a target.
 */
/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int nv_replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *data = NULL;
    size_t len = 0, alloc = 0, n;

    if (!fp) {
        perror(path);
        return -1;
    }
    do {
        if (len == alloc) {
            alloc = alloc ? 2 * alloc : 65536;
            if (!(data = realloc(data, alloc))) {
                fclose(fp);
                fputs("replay: out of memory\n", stderr);
                return -1;
            }
        }
        n = fread(data + len, 1, alloc - len, fp);
        len += n;
    } while (n > 0);
    if (ferror(fp)) {
        perror(path);
        fclose(fp);
        free(data);
        return -1;
    }
    fclose(fp);
    /* a copy of exactly 'len' bytes, so ASan sees reads past the input */
    {
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact) {
            free(data);
            return -1;
        }
        if (len)
            memcpy(exact, data, len);
        free(data);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    return 0;
}

static int nv_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int nv_replay_dir(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, i;
    int rc = 0;

    if (!dir) {
        perror(path);
        return -1;
    }
    while ((de = readdir(dir))) {
        char **v;
        if (de->d_name[0] == '.')
            continue;
        if (!(v = realloc(names, (n + 1) * sizeof(*names))))
            break;
        names = v;
        names[n] = malloc(strlen(path) + strlen(de->d_name) + 2);
        if (!names[n])
            break;
        snprintf(names[n], strlen(path) + strlen(de->d_name) + 2, "%s/%s", path, de->d_name);
        n++;
    }
    closedir(dir);
    if (n)
        qsort(names, n, sizeof(*names), nv_strcmp_p);
    for (i = 0; i < n; i++) {
        if (nv_replay_file(names[i]) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int i, rc = 0;

    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            rc |= nv_replay_dir(argv[i]) < 0;
        else
            rc |= nv_replay_file(argv[i]) < 0;
    }
    return rc ? 2 : 0;
}
