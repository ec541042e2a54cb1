/** WooCommerce REST representations (spec §5); `*.deleted` bodies are `{id}` only. */
import { z } from "zod";

const Text = z.string().nullish();
const AddressSchema = z.looseObject({
  first_name: Text, last_name: Text, company: Text, address_1: Text, address_2: Text, city: Text,
  state: Text, postcode: Text, country: Text, email: Text, phone: Text,
});

export const WooResourceSchema = z.looseObject({
  id: z.union([z.number().int(), z.string().min(1)]),
  email: Text, first_name: Text, last_name: Text, username: Text,
  customer_id: z.union([z.number().int(), z.string()]).nullish(),
  customer_ip_address: Text, customer_user_agent: Text,
  billing: AddressSchema.nullish(),
  shipping: AddressSchema.nullish(),
});
export type WooResource = z.infer<typeof WooResourceSchema>;

/** Custom `action.*` topics carry `{action, arg}`. */
export const WooActionSchema = z.looseObject({ action: z.string().min(1), arg: z.unknown() });
