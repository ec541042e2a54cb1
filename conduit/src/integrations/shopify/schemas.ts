/** zod schemas per Shopify topic (integrations spec §3). Unknown keys pass through and are ignored. */
import { z } from "zod";

const Id = z.union([z.number().int(), z.string().min(1)]);
const Text = z.string().nullish();

const AddressSchema = z.looseObject({
  address1: Text, address2: Text, city: Text, province: Text, zip: Text, country: Text, phone: Text,
  first_name: Text, last_name: Text, name: Text,
});

export const ComplianceCustomerSchema = z.looseObject({ id: Id, email: Text, phone: Text });

export const CustomersRedactSchema = z.looseObject({
  shop_id: Id,
  shop_domain: z.string().min(1),
  customer: ComplianceCustomerSchema,
  orders_to_redact: z.array(Id).optional(),
});

export const CustomersDataRequestSchema = z.looseObject({
  shop_id: Id,
  shop_domain: z.string().min(1),
  customer: ComplianceCustomerSchema,
  orders_requested: z.array(Id).optional(),
  data_request: z.looseObject({ id: Id }),
});

export const ShopRedactSchema = z.looseObject({ shop_id: Id, shop_domain: z.string().min(1) });

export const CustomerSchema = z.looseObject({
  id: Id,
  email: Text, phone: Text, first_name: Text, last_name: Text,
  default_address: AddressSchema.nullish(),
  addresses: z.array(AddressSchema).nullish(),
});

export const OrderSchema = z.looseObject({
  id: Id,
  email: Text, phone: Text, contact_email: Text, browser_ip: Text,
  customer: z.looseObject({ id: Id.nullish(), email: Text, first_name: Text, last_name: Text, phone: Text }).nullish(),
  billing_address: AddressSchema.nullish(),
  shipping_address: AddressSchema.nullish(),
  client_details: z.looseObject({ browser_ip: Text }).nullish(),
});

/** Any other topic: an object with an id when it has one. */
export const GenericSchema = z.looseObject({ id: Id.optional() });
