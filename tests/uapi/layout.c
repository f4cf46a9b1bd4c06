// SPDX-License-Identifier: GPL-2.0
/*
 * Prints the size of every uapi structure and the offset and size of every
 * field. Built with -m32 and -m64; the two outputs must be identical.
 */
#include <stddef.h>
#include <stdio.h>
#include <linux/biounit.h>

#define S(type) printf("%s size %zu\n", #type, sizeof(struct type))
#define F(type, field) printf("%s.%s %zu %zu\n", #type, #field, \
	offsetof(struct type, field), sizeof(((struct type *)0)->field))

int main(void)
{
	S(biounit_caps); F(biounit_caps, api_version); F(biounit_caps, capabilities);
	F(biounit_caps, channels); F(biounit_caps, reserved0); F(biounit_caps, driver);
	F(biounit_caps, model); F(biounit_caps, serial); F(biounit_caps, bus_info);
	F(biounit_caps, reserved);

	S(biounit_channel_info); F(biounit_channel_info, channel);
	F(biounit_channel_info, type); F(biounit_channel_info, resolution_ppi);
	F(biounit_channel_info, pad_width); F(biounit_channel_info, pad_height);
	F(biounit_channel_info, pressure_max); F(biounit_channel_info, min_interval_us);
	F(biounit_channel_info, max_interval_us); F(biounit_channel_info, max_buffers);
	F(biounit_channel_info, reserved0); F(biounit_channel_info, name);
	F(biounit_channel_info, reserved);

	S(biounit_fmtdesc); F(biounit_fmtdesc, channel); F(biounit_fmtdesc, index);
	F(biounit_fmtdesc, pixelformat); F(biounit_fmtdesc, reserved0);
	F(biounit_fmtdesc, description); F(biounit_fmtdesc, reserved);

	S(biounit_frmsize); F(biounit_frmsize, channel); F(biounit_frmsize, index);
	F(biounit_frmsize, pixelformat); F(biounit_frmsize, width);
	F(biounit_frmsize, height); F(biounit_frmsize, flags); F(biounit_frmsize, reserved);

	S(biounit_format); F(biounit_format, channel); F(biounit_format, pixelformat);
	F(biounit_format, width); F(biounit_format, height); F(biounit_format, interval_us);
	F(biounit_format, bytesperline); F(biounit_format, sizeimage);
	F(biounit_format, reserved);

	S(biounit_requestbuffers); F(biounit_requestbuffers, channel);
	F(biounit_requestbuffers, count); F(biounit_requestbuffers, memory);
	F(biounit_requestbuffers, reserved);

	S(biounit_create_buffers); F(biounit_create_buffers, channel);
	F(biounit_create_buffers, count); F(biounit_create_buffers, memory);
	F(biounit_create_buffers, index); F(biounit_create_buffers, reserved);

	S(biounit_buffer); F(biounit_buffer, channel); F(biounit_buffer, index);
	F(biounit_buffer, memory); F(biounit_buffer, flags); F(biounit_buffer, bytesused);
	F(biounit_buffer, length); F(biounit_buffer, sequence); F(biounit_buffer, fd);
	F(biounit_buffer, mem_offset); F(biounit_buffer, timestamp_ns);
	F(biounit_buffer, reserved);

	S(biounit_exportbuffer); F(biounit_exportbuffer, channel);
	F(biounit_exportbuffer, index); F(biounit_exportbuffer, flags);
	F(biounit_exportbuffer, fd); F(biounit_exportbuffer, reserved);

	S(biounit_stream); F(biounit_stream, channel); F(biounit_stream, reserved);

	S(biounit_pen_sample); F(biounit_pen_sample, timestamp_ns);
	F(biounit_pen_sample, x); F(biounit_pen_sample, y); F(biounit_pen_sample, pressure);
	F(biounit_pen_sample, flags); F(biounit_pen_sample, reserved);

	S(biounit_event_subscription); F(biounit_event_subscription, types);
	F(biounit_event_subscription, reserved);

	S(biounit_event); F(biounit_event, type); F(biounit_event, channel);
	F(biounit_event, data); F(biounit_event, pending); F(biounit_event, timestamp_ns);
	F(biounit_event, sequence); F(biounit_event, reserved);

	S(biounit_ctrl_info); F(biounit_ctrl_info, index); F(biounit_ctrl_info, id);
	F(biounit_ctrl_info, channel); F(biounit_ctrl_info, type);
	F(biounit_ctrl_info, minimum); F(biounit_ctrl_info, maximum);
	F(biounit_ctrl_info, step); F(biounit_ctrl_info, default_value);
	F(biounit_ctrl_info, name); F(biounit_ctrl_info, reserved);

	S(biounit_control); F(biounit_control, id); F(biounit_control, reserved0);
	F(biounit_control, value); F(biounit_control, reserved);

	/* the ioctl numbers encode the sizes: they must agree too */
	printf("ioctls %#lx %#lx %#lx %#lx %#lx\n", (unsigned long)BIOUNIT_IOC_QUERYCAP,
	       (unsigned long)BIOUNIT_IOC_QBUF, (unsigned long)BIOUNIT_IOC_DQEVENT,
	       (unsigned long)BIOUNIT_IOC_QUERYCTRL, (unsigned long)BIOUNIT_IOC_S_CTRL);
	return 0;
}
