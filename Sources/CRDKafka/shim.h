#ifndef CREDITD_CRDKAFKA_SHIM_H
#define CREDITD_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#endif
