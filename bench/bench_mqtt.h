/*  bench_mqtt.h - the MQTT comparison of bench_repl: the same catch-up
    through a Mosquitto broker with QoS 1 into an LMDB subscriber. Built
    only when pkg-config finds libmosquitto (BENCH_MQTT is then defined).

    Three processes, as lontar has two plus a broker: this one publishes
    the office's log (read from its LMDB store), one message per change;
    the broker (mosquitto, started here on a free loopback port, its
    own configuration in a temporary folder); and a forked subscriber
    that writes every message it gets into a fresh LMDB environment with
    a durable commit for each group of messages that arrived together (a
    group commit, as the hub makes). See bench_mqtt.c for what is fair
    about it and what favours MQTT.                                        */
#ifndef BENCH_MQTT_H
#define BENCH_MQTT_H

#include <stddef.h>

typedef struct {
    const char *broker;     /* in: the mosquitto binary                    */
    const char *root;       /* in: a folder for the broker and subscriber  */
    const char *agent_dir;  /* in: the office store whose log is sent      */
    size_t records;         /* in: changes to send, from sequence 1        */
    size_t window;          /* in: QoS 1 messages in flight per client     */
    double seconds;         /* out: first publish to last durable commit   */
    size_t commits;         /* out: the subscriber's durable commits       */
    size_t payload_bytes;   /* out: bytes of all payloads                  */
    char why[512];          /* out: what failed                            */
} bench_mqtt_t;

/*  Runs the comparison. 0, or -1 with m->why. Every process it started
    is gone when it returns (and dies with this one: see bench_proc.h);
    gives up when bench_stop is set.                                       */
int bench_mqtt_run (bench_mqtt_t *m);

#endif
