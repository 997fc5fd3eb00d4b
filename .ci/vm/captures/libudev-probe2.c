#include <stdio.h>
#include <libudev.h>
int main(void){
  struct udev *u = udev_new();
  struct udev_device *d = udev_device_new_from_subsystem_sysname(u, "infiniband", "rxe0");
  printf("new_from_subsystem_sysname(infiniband,rxe0)=%s\n", d ? udev_device_get_syspath(d) : "(null)");
  const char *a[] = {"ports/1/state","ports/1/phys_state","ports/1/link_layer","ports/1/gid_attrs/ndevs/0","ports/1/gids/0","fw_ver","node_desc",0};
  for (int i=0;a[i];i++){ const char *v = udev_device_get_sysattr_value(d, a[i]); printf("sysattr %s=%s\n", a[i], v ? v : "(null)"); }
  struct udev_list_entry *e; printf("sysattr list:");
  udev_list_entry_foreach(e, udev_device_get_sysattr_list_entry(d)) printf(" %s", udev_list_entry_get_name(e)); puts("");
  struct udev_enumerate *en = udev_enumerate_new(u); udev_enumerate_add_match_subsystem(en, "infiniband"); udev_enumerate_add_match_is_initialized(en);
  udev_enumerate_scan_devices(en); int n=0; udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) n++;
  printf("with match_is_initialized: %d devices\n", n);
  return 0;
}
