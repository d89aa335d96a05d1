/* version.h - the hypervisor's version, printed at boot. */
#ifndef HYP_VERSION_H
#define HYP_VERSION_H
#define PARAVANE_VERSION "0.1"
#endif
