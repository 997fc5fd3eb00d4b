// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only minimal ib_device (not part of the proposal) with
 * disassociate_ucontext, so that the removal path of ib_uverbs that does
 * not wait for user space can be exercised with a driver-ops facet open.
 *
 * Registers ib_device "dotest0" (no ports usable, no verbs beyond a user
 * context) offering facet "demo.example.com" 1.2, whose read() answers a
 * fixed text and whose mmap() maps one page holding it (as the demo
 * module).  Writing 1 to /sys/module/rdma_driver_ops_testdev/parameters/unplug
 * unregisters the device, as a hot-unplug would.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <rdma/ib_verbs.h>
#include <rdma/uverbs_driver_ops.h>

struct testdev {
	struct ib_device ibdev;
};

struct testdev_ucontext {
	struct ib_ucontext ibuc;
};

static struct testdev *testdev;
static DEFINE_MUTEX(testdev_lock);

static int testdev_query_device(struct ib_device *ibdev,
				struct ib_device_attr *attr,
				struct ib_udata *udata)
{
	memset(attr, 0, sizeof(*attr));
	return 0;
}

static int testdev_query_port(struct ib_device *ibdev, u32 port,
			      struct ib_port_attr *attr)
{
	attr->state = IB_PORT_DOWN;
	attr->phys_state = IB_PORT_PHYS_STATE_DISABLED;
	attr->max_mtu = IB_MTU_1024;
	attr->active_mtu = IB_MTU_1024;
	return 0;
}

static int testdev_get_port_immutable(struct ib_device *ibdev, u32 port,
				      struct ib_port_immutable *immutable)
{
	immutable->core_cap_flags = 0;
	immutable->pkey_tbl_len = 0;
	immutable->gid_tbl_len = 0;
	return 0;
}

static int testdev_alloc_ucontext(struct ib_ucontext *uctx,
				  struct ib_udata *udata)
{
	return 0;
}

static void testdev_dealloc_ucontext(struct ib_ucontext *uctx)
{
}

static void testdev_disassociate_ucontext(struct ib_ucontext *uctx)
{
}

static const struct ib_device_ops testdev_ops = {
	.owner = THIS_MODULE,
	.driver_id = RDMA_DRIVER_UNKNOWN,
	.uverbs_abi_ver = 1,
	.query_device = testdev_query_device,
	.query_port = testdev_query_port,
	.get_port_immutable = testdev_get_port_immutable,
	.alloc_ucontext = testdev_alloc_ucontext,
	.dealloc_ucontext = testdev_dealloc_ucontext,
	.disassociate_ucontext = testdev_disassociate_ucontext,
	INIT_RDMA_OBJ_SIZE(ib_ucontext, testdev_ucontext, ibuc),
};

/* One zeroed page holding the text; mmap() maps it read-only */
struct testdev_file {
	char *text;
	size_t len;
};

static ssize_t testdev_read(struct file *filp, char __user *buf, size_t count,
			    loff_t *pos)
{
	struct testdev_file *tf = filp->private_data;

	return simple_read_from_buffer(buf, count, pos, tf->text, tf->len);
}

static int testdev_release(struct inode *inode, struct file *filp)
{
	struct testdev_file *tf = filp->private_data;

	free_page((unsigned long)tf->text);
	kfree(tf);
	return 0;
}

/* Maps the text page on first touch, as drivers map vmalloc'ed queues */
static vm_fault_t testdev_fault(struct vm_fault *vmf)
{
	struct testdev_file *tf = vmf->vma->vm_private_data;

	vmf->page = virt_to_page(tf->text);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct testdev_vm_ops = {
	.fault = testdev_fault,
};

static int testdev_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_private_data = filp->private_data;
	vma->vm_ops = &testdev_vm_ops;
	return 0;
}

static const struct file_operations testdev_fops = {
	.owner = THIS_MODULE,
	.read = testdev_read,
	.release = testdev_release,
	.mmap = testdev_mmap,
	.llseek = default_llseek,
};

static int testdev_open(struct ib_device *ibdev, struct file *filp)
{
	struct testdev_file *tf;

	tf = kzalloc(sizeof(*tf), GFP_KERNEL);
	if (!tf)
		return -ENOMEM;
	tf->text = (char *)get_zeroed_page(GFP_KERNEL);
	if (!tf->text) {
		kfree(tf);
		return -ENOMEM;
	}
	tf->len = scnprintf(tf->text, PAGE_SIZE,
			    "demo.example.com 1.2 on %s\n",
			    dev_name(&ibdev->dev));
	filp->private_data = tf;
	return 0;
}

static const struct rdma_driver_ops_facet testdev_facets[] = {
	{
		.name = "demo.example.com",
		.major = 1,
		.minor = 2,
		.fops = &testdev_fops,
		.open = testdev_open,
	},
};

/* Unregister and free the device: the hot-unplug of this test driver */
static void testdev_remove(void)
{
	mutex_lock(&testdev_lock);
	if (testdev) {
		rdma_unregister_driver_ops(&testdev->ibdev);
		ib_unregister_device(&testdev->ibdev);
		ib_dealloc_device(&testdev->ibdev);
		testdev = NULL;
	}
	mutex_unlock(&testdev_lock);
}

static int testdev_set_unplug(const char *val, const struct kernel_param *kp)
{
	bool unplug;
	int ret;

	ret = kstrtobool(val, &unplug);
	if (ret)
		return ret;
	if (unplug)
		testdev_remove();
	return 0;
}

static const struct kernel_param_ops testdev_unplug_ops = {
	.set = testdev_set_unplug,
};
module_param_cb(unplug, &testdev_unplug_ops, NULL, 0200);
MODULE_PARM_DESC(unplug, "write 1 to unregister the test device");

static int __init testdev_init(void)
{
	int ret;

	testdev = ib_alloc_device(testdev, ibdev);
	if (!testdev)
		return -ENOMEM;
	testdev->ibdev.node_type = RDMA_NODE_UNSPECIFIED;
	testdev->ibdev.phys_port_cnt = 1;
	testdev->ibdev.num_comp_vectors = 1;
	ib_set_device_ops(&testdev->ibdev, &testdev_ops);

	ret = ib_register_device(&testdev->ibdev, "dotest%d", NULL);
	if (ret)
		goto err_dealloc;
	ret = rdma_register_driver_ops(&testdev->ibdev, testdev_facets,
				       ARRAY_SIZE(testdev_facets));
	if (ret)
		goto err_unregister;
	return 0;

err_unregister:
	ib_unregister_device(&testdev->ibdev);
err_dealloc:
	ib_dealloc_device(&testdev->ibdev);
	testdev = NULL;
	return ret;
}

static void __exit testdev_exit(void)
{
	testdev_remove();
}

module_init(testdev_init);
module_exit(testdev_exit);
MODULE_DESCRIPTION("Test-only ib_device with disassociate_ucontext for RDMA_GET_DRIVER_OPS_FD");
MODULE_LICENSE("GPL");
