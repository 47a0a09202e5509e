/* bcryptprimitives.dll for Wine older than 8.13 (Debian 12 has 8.0), which lacks ProcessPrng:
 * Rust's standard library imports it to seed its hash maps, so daicho.exe cannot start without
 * it. This provides ProcessPrng by calling RtlGenRandom (advapi32's SystemFunction036).
 * Only for running the exe under Wine here; never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
