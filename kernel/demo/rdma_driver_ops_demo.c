// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only demo of the driver-ops facet API (not part of the proposal).
 *
 * Registers the facet "demo.example.com" version 1.2 on the ib_device
 * named by the "device" parameter (default rxe0).  A file issued by
 * RDMA_GET_DRIVER_OPS_FD answers read() with a fixed text naming the
 * device it was opened for, and mmap() of one page (offset 0, read-only)
 * maps a page holding that text, faulted in through vm_ops as hfi1 and
 * qib map their vmalloc'ed memory.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <rdma/ib_verbs.h>
#include <rdma/uverbs_driver_ops.h>

static char *device = "rxe0";
module_param(device, charp, 0444);
MODULE_PARM_DESC(device, "name of the ib_device offering demo.example.com");

/* One zeroed page holding the text; mmap() maps it read-only */
struct demo_file {
	char *text;
	size_t len;
};

static struct ib_device *demo_ibdev;

static ssize_t demo_read(struct file *filp, char __user *buf, size_t count,
			 loff_t *pos)
{
	struct demo_file *df = filp->private_data;

	return simple_read_from_buffer(buf, count, pos, df->text, df->len);
}

static int demo_release(struct inode *inode, struct file *filp)
{
	struct demo_file *df = filp->private_data;

	free_page((unsigned long)df->text);
	kfree(df);
	return 0;
}

/* Maps the text page on first touch, as drivers map vmalloc'ed queues */
static vm_fault_t demo_fault(struct vm_fault *vmf)
{
	struct demo_file *df = vmf->vma->vm_private_data;

	vmf->page = virt_to_page(df->text);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct demo_vm_ops = {
	.fault = demo_fault,
};

static int demo_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_private_data = filp->private_data;
	vma->vm_ops = &demo_vm_ops;
	return 0;
}

static const struct file_operations demo_fops = {
	.owner = THIS_MODULE,
	.read = demo_read,
	.release = demo_release,
	.mmap = demo_mmap,
	.llseek = default_llseek,
};

static int demo_open(struct ib_device *ibdev, struct file *filp)
{
	struct demo_file *df;

	df = kzalloc(sizeof(*df), GFP_KERNEL);
	if (!df)
		return -ENOMEM;
	df->text = (char *)get_zeroed_page(GFP_KERNEL);
	if (!df->text) {
		kfree(df);
		return -ENOMEM;
	}
	df->len = scnprintf(df->text, PAGE_SIZE,
			    "demo.example.com 1.2 on %s\n", dev_name(&ibdev->dev));
	filp->private_data = df;
	return 0;
}

static const struct rdma_driver_ops_facet demo_facets[] = {
	{
		.name = "demo.example.com",
		.major = 1,
		.minor = 2,
		.fops = &demo_fops,
		.open = demo_open,
	},
};

static int __init demo_init(void)
{
	struct ib_device *ibdev;
	int ret;

	ibdev = ib_device_get_by_name(device, RDMA_DRIVER_UNKNOWN);
	if (!ibdev) {
		pr_err("rdma_driver_ops_demo: no ib_device %s\n", device);
		return -ENODEV;
	}
	ret = rdma_register_driver_ops(ibdev, demo_facets,
				       ARRAY_SIZE(demo_facets));
	/*
	 * The registration is keyed by the device and dropped by uverbs when
	 * the device is removed, so no reference is kept.
	 */
	ib_device_put(ibdev);
	if (ret)
		return ret;
	demo_ibdev = ibdev;
	pr_info("rdma_driver_ops_demo: demo.example.com 1.2 on %s\n", device);
	return 0;
}

static void __exit demo_exit(void)
{
	rdma_unregister_driver_ops(demo_ibdev);
}

module_init(demo_init);
module_exit(demo_exit);
MODULE_DESCRIPTION("Test-only RDMA_GET_DRIVER_OPS_FD facet demo");
MODULE_LICENSE("GPL");
