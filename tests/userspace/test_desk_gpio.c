// SPDX-License-Identifier: GPL-2.0
/*
 * The desk signals' rules (userspace/daemon/desk_logic.c, compiled in here):
 * the configuration values, which lamp is lit in which session state, what
 * the pedal does, the software debounce (biounitd's reading of the desk keys
 * is in test_biounitd.c). The lines themselves are tested in the VM against
 * the simulator's gpiochip (tests/kernel/session_test.c --desk).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/daemon/desk_logic.c"
#include "kselftest_harness.h"

/* enum constants against enum values: both sides are in range */
#pragma GCC diagnostic ignored "-Wsign-compare"

TEST(line_specs)
{
	struct desk_config c;
	const struct desk_line_config *p = &c.sig[DESK_PEDAL], *l = &c.sig[DESK_LAMP_BUSY];

	desk_config_defaults(&c);
	EXPECT_EQ(30, c.debounce_ms);
	EXPECT_FALSE(p->set);
	ASSERT_EQ(0, desk_config_set(&c, "desk_pedal", "pedal"));
	EXPECT_TRUE(p->set);
	EXPECT_STREQ("", p->chip);
	EXPECT_STREQ("pedal", p->line);
	EXPECT_FALSE(p->active_low);
	EXPECT_EQ(DESK_BIAS_AS_IS, p->bias);
	ASSERT_EQ(0, desk_config_set(&c, "desk_pedal", "usb-io:foot-pedal active-low pull-up"));
	EXPECT_STREQ("usb-io", p->chip);
	EXPECT_STREQ("foot-pedal", p->line);
	EXPECT_TRUE(p->active_low);
	EXPECT_EQ(DESK_BIAS_PULL_UP, p->bias);
	ASSERT_EQ(0, desk_config_set(&c, "desk_privacy", "door\tpull-down"));
	EXPECT_EQ(DESK_BIAS_PULL_DOWN, c.sig[DESK_PRIVACY].bias);
	ASSERT_EQ(0, desk_config_set(&c, "desk_privacy", "door bias-disabled active-low"));
	EXPECT_EQ(DESK_BIAS_DISABLED, c.sig[DESK_PRIVACY].bias);
	EXPECT_TRUE(c.sig[DESK_PRIVACY].active_low);
	ASSERT_EQ(0, desk_config_set(&c, "desk_lamp_busy", "busy active-low"));
	EXPECT_TRUE(l->active_low);
	ASSERT_EQ(0, desk_config_set(&c, "desk_lamp_busy", "none"));
	EXPECT_FALSE(l->set);
	ASSERT_EQ(0, desk_config_set(&c, "desk_gpio_chip", "desk-io"));
	EXPECT_STREQ("desk-io", c.chip);
	EXPECT_STREQ("desk-io", desk_signal_chip(&c, DESK_PRIVACY));
	EXPECT_STREQ("usb-io", desk_signal_chip(&c, DESK_PEDAL));
	ASSERT_EQ(0, desk_config_set(&c, "desk_debounce_ms", "0"));
	EXPECT_EQ(0, c.debounce_ms);
	ASSERT_EQ(0, desk_config_set(&c, "desk_debounce_ms", "1000"));
	EXPECT_EQ(1000, c.debounce_ms);
}

/* every bad value is refused and changes nothing */
TEST(bad_line_specs)
{
	static const struct { const char *key, *value; } bad[] = {
		{ "desk_pedal", "" },
		{ "desk_pedal", ":pedal" },
		{ "desk_pedal", "chip:" },
		{ "desk_pedal", "a:b:c" },
		{ "desk_pedal", "pedal pull-sideways" },
		{ "desk_pedal", "pedal pull-up pull-down" },
		{ "desk_pedal", "pedal active-low active-low" },
		{ "desk_pedal", "abcdefghijklmnopqrstuvwxyz012345" },	/* 32 bytes */
		{ "desk_pedal", "ped\x01" "al" },
		{ "desk_lamp_wait", "lamp pull-up" },		/* an output drives its line */
		{ "desk_lamp_turn", "lamp bias-disabled" },
		{ "desk_gpio_chip", "two words" },
		{ "desk_gpio_chip", "" },
		{ "desk_debounce_ms", "1001" },
		{ "desk_debounce_ms", "-1" },
		{ "desk_debounce_ms", "20ms" },
		{ "desk_debounce_ms", "" },
	};
	struct desk_config c, before;

	desk_config_defaults(&c);
	ASSERT_EQ(0, desk_config_set(&c, "desk_pedal", "io:pedal active-low"));
	ASSERT_EQ(0, desk_config_set(&c, "desk_gpio_chip", "desk-io"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		before = c;
		EXPECT_EQ(-EINVAL, desk_config_set(&c, bad[i].key, bad[i].value))
			TH_LOG("%s = '%s'", bad[i].key, bad[i].value);
		EXPECT_EQ(0, memcmp(&before, &c, sizeof(c))) TH_LOG("%s changed", bad[i].key);
	}
	EXPECT_TRUE(desk_config_has_key("desk_lamp_camera"));
	EXPECT_TRUE(desk_config_has_key("desk_debounce_ms"));
	EXPECT_FALSE(desk_config_has_key("desk_lamp"));
	EXPECT_FALSE(desk_config_has_key("desk_pedals"));
}

TEST(a_signal_needs_a_chip)
{
	struct desk_config c;
	char err[200] = "";

	desk_config_defaults(&c);
	EXPECT_EQ(0, desk_config_check(&c, err, sizeof(err)));
	ASSERT_EQ(0, desk_config_set(&c, "desk_lamp_busy", "busy"));
	EXPECT_EQ(-EINVAL, desk_config_check(&c, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "desk_lamp_busy names no chip")) TH_LOG("%s", err);
	ASSERT_EQ(0, desk_config_set(&c, "desk_lamp_busy", "io:busy"));
	EXPECT_EQ(0, desk_config_check(&c, err, sizeof(err)));
}

/* which lamp is lit in which state (the table in docs/biounitd.md) */
TEST(lamps_follow_the_state)
{
	static const struct {
		bool have;
		enum biounit_session_state st;
		enum biounit_session_step step;
		bool wait, turn, camera, busy;
	} t[] = {
		{ false, 0, 0, 0, 0, 0, 0 },
		{ true, BIOUNIT_SESSION_CAPTURING, BIOUNIT_STEP_PHOTO, 0, 0, 1, 1 },
		{ true, BIOUNIT_SESSION_CAPTURING, BIOUNIT_STEP_FINGERS, 0, 1, 0, 1 },
		{ true, BIOUNIT_SESSION_CAPTURING, BIOUNIT_STEP_SIGNATURE, 0, 1, 0, 1 },
		{ true, BIOUNIT_SESSION_REVIEW, BIOUNIT_STEP_PHOTO, 1, 0, 0, 1 },
		{ true, BIOUNIT_SESSION_REVIEW, BIOUNIT_STEP_FINGERS, 1, 0, 0, 1 },
		{ true, BIOUNIT_SESSION_PAUSED, BIOUNIT_STEP_PHOTO, 1, 0, 0, 1 },
		{ true, BIOUNIT_SESSION_PAUSED, BIOUNIT_STEP_SIGNATURE, 1, 0, 0, 1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct desk_view v = { t[i].have, t[i].st, t[i].step };
		bool lit[DESK_SIGNAL_COUNT];

		memset(lit, 0x55, sizeof(lit));
		desk_lamps(&v, lit);
		EXPECT_EQ(t[i].wait, lit[DESK_LAMP_WAIT]) TH_LOG("row %zu", i);
		EXPECT_EQ(t[i].turn, lit[DESK_LAMP_TURN]) TH_LOG("row %zu", i);
		EXPECT_EQ(t[i].camera, lit[DESK_LAMP_CAMERA]) TH_LOG("row %zu", i);
		EXPECT_EQ(t[i].busy, lit[DESK_LAMP_BUSY]) TH_LOG("row %zu", i);
		/* exactly one applicant lamp in a session, none without */
		EXPECT_EQ(t[i].have ? 1 : 0,
			  lit[DESK_LAMP_WAIT] + lit[DESK_LAMP_TURN] + lit[DESK_LAMP_CAMERA]);
	}
}

TEST(pedal_acts_by_state)
{
	struct desk_view v = { false, BIOUNIT_SESSION_REVIEW, BIOUNIT_STEP_PHOTO };

	EXPECT_EQ(DESK_PEDAL_NOTHING, desk_pedal_action(&v));
	v.have_session = true;
	EXPECT_EQ(DESK_PEDAL_ACCEPT, desk_pedal_action(&v));
	v.state = BIOUNIT_SESSION_CAPTURING;
	EXPECT_EQ(DESK_PEDAL_CAPTURE, desk_pedal_action(&v));
	v.state = BIOUNIT_SESSION_PAUSED;
	EXPECT_EQ(DESK_PEDAL_NOTHING, desk_pedal_action(&v));
}

TEST(debounce)
{
	struct desk_debounce db = { .known = true, .level = false };

	/* nothing armed: nothing taken */
	EXPECT_FALSE(desk_debounce_settle(&db, 1000, true));
	/* a bouncing press: each edge re-arms; taken once, 30 ms after the last edge */
	desk_debounce_edge(&db, 1000, 30);
	desk_debounce_edge(&db, 1004, 30);
	desk_debounce_edge(&db, 1011, 30);
	EXPECT_FALSE(desk_debounce_settle(&db, 1040, true));
	EXPECT_TRUE(desk_debounce_settle(&db, 1041, true));
	EXPECT_TRUE(db.level);
	EXPECT_FALSE(desk_debounce_settle(&db, 1100, true));
	/* a glitch that is back to the level taken: nothing */
	desk_debounce_edge(&db, 2000, 30);
	EXPECT_FALSE(desk_debounce_settle(&db, 2030, true));
	EXPECT_FALSE(db.armed);
	/* the release */
	desk_debounce_edge(&db, 3000, 30);
	EXPECT_TRUE(desk_debounce_settle(&db, 3030, false));
	EXPECT_FALSE(db.level);
	/* no debounce: taken at once */
	desk_debounce_edge(&db, 4000, 0);
	EXPECT_TRUE(desk_debounce_settle(&db, 4000, true));
}

TEST_HARNESS_MAIN
