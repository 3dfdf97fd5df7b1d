/* SPDX-License-Identifier: Apache-2.0 */
/* C_FindObjects*: a snapshot of matching handles taken at Init, so objects
 * made or destroyed during the search do not disturb it. */
#include "p11.h"

#include <stdlib.h>
#include <string.h>

static int matches(const p11_object *o, const CK_ATTRIBUTE *t, CK_ULONG n)
{
    for (CK_ULONG i = 0; i < n; i++) {
        if (o->cls == CKO_SECRET_KEY && t[i].type == CKA_VALUE)
            return 0;   /* a search must not test a key's value */
        const p11_attr *a = p11_attr_get(o, t[i].type);
        if (!a || a->len != t[i].ulValueLen ||
            (a->len && memcmp(a->val, t[i].pValue, a->len)))
            return 0;
    }
    return 1;
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hs, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    if ((rv = p11_session_get(hs, &s)) != CKR_OK)
        goto out;
    if (n && !t) {
        rv = CKR_ARGUMENTS_BAD;
        goto out;
    }
    if (s->finding) {
        rv = CKR_OPERATION_ACTIVE;
        goto out;
    }
    for (CK_ULONG i = 0; i < n; i++)
        if (!t[i].pValue && t[i].ulValueLen) {
            rv = CKR_ATTRIBUTE_VALUE_INVALID;
            goto out;
        }
    p11_objstore_sync();   /* what other processes made or destroyed */
    size_t cnt = 0;
    for (p11_object *o = p11_g.objects; o; o = o->next)
        cnt++;
    s->found = malloc((cnt ? cnt : 1) * sizeof *s->found);
    if (!s->found) {
        rv = CKR_HOST_MEMORY;
        goto out;
    }
    s->nfound = 0;
    s->pos = 0;
    /* The list is newest first; hand out oldest first. */
    for (p11_object *o = p11_g.objects; o; o = o->next)
        if (p11_object_visible(o) && matches(o, t, n))
            s->found[s->nfound++] = o->h;
    for (size_t i = 0; i < s->nfound / 2; i++) {
        CK_OBJECT_HANDLE x = s->found[i];
        s->found[i] = s->found[s->nfound - 1 - i];
        s->found[s->nfound - 1 - i] = x;
    }
    s->finding = 1;
out:
    p11_leave();
    return rv;
}

CK_RV C_FindObjects(CK_SESSION_HANDLE hs, CK_OBJECT_HANDLE_PTR out, CK_ULONG max,
                    CK_ULONG_PTR count)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    if ((rv = p11_session_get(hs, &s)) == CKR_OK && (!out || !count))
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK && !s->finding)
        rv = CKR_OPERATION_NOT_INITIALIZED;
    if (rv == CKR_OK) {
        CK_ULONG k = 0;
        while (k < max && s->pos < s->nfound) {
            CK_OBJECT_HANDLE h = s->found[s->pos++];
            if (p11_object_find(h))   /* skip objects destroyed meanwhile */
                out[k++] = h;
        }
        *count = k;
    }
    p11_leave();
    return rv;
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hs)
{
    CK_RV rv = p11_enter();
    if (rv != CKR_OK)
        return rv;
    p11_session *s;
    if ((rv = p11_session_get(hs, &s)) == CKR_OK && !s->finding)
        rv = CKR_OPERATION_NOT_INITIALIZED;
    if (rv == CKR_OK) {
        free(s->found);
        s->found = NULL;
        s->finding = 0;
    }
    p11_leave();
    return rv;
}
