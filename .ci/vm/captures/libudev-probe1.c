#include <stdio.h>
#include <libudev.h>
int main(void){
  struct udev *u = udev_new(); if(!u){puts("udev_new failed");return 1;}
  const char *subs[] = {"infiniband","infiniband_verbs","infiniband_mad","misc",0};
  for (int i=0; subs[i]; i++) {
    struct udev_enumerate *e = udev_enumerate_new(u);
    udev_enumerate_add_match_subsystem(e, subs[i]);
    if (i==3) udev_enumerate_add_match_sysname(e, "rdma_cm");
    int r = udev_enumerate_scan_devices(e);
    printf("== subsystem %s scan=%d\n", subs[i], r);
    struct udev_list_entry *ent;
    udev_list_entry_foreach(ent, udev_enumerate_get_list_entry(e)) {
      const char *p = udev_list_entry_get_name(ent);
      struct udev_device *d = udev_device_new_from_syspath(u, p);
      printf("syspath=%s sysname=%s devnode=%s devnum=%lu:%lu driver=%s initialized=%d\n", p, udev_device_get_sysname(d),
        udev_device_get_devnode(d) ? udev_device_get_devnode(d) : "(null)",
        (unsigned long)(udev_device_get_devnum(d)>>8), (unsigned long)(udev_device_get_devnum(d)&0xff),
        udev_device_get_driver(d)?udev_device_get_driver(d):"(null)", udev_device_get_is_initialized(d));
      const char *attrs[] = {"node_guid","node_type","ibdev","port","abi_version","dev","parent",0};
      for (int k=0; attrs[k]; k++){ const char *v = udev_device_get_sysattr_value(d, attrs[k]); if (v) printf("  %s=%s\n", attrs[k], v); }
      struct udev_list_entry *pe;
      udev_list_entry_foreach(pe, udev_device_get_properties_list_entry(d)) printf("  prop %s=%s\n", udev_list_entry_get_name(pe), udev_list_entry_get_value(pe));
      udev_device_unref(d);
    }
    udev_enumerate_unref(e);
  }
  struct udev_device *pd = udev_device_new_from_syspath(u, "/sys/class/infiniband/rxe0/ports/1");
  printf("port device via new_from_syspath: %p\n", (void*)pd);
  return 0;
}
